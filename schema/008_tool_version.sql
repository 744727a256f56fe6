-- skype-parallel-load schema, version 8: each load run records the version of the tool that
-- made it (`skype-parallel-load --version`), so that rows can be traced to the code that
-- wrote them. Runs recorded before this migration have none.
ALTER TABLE load_runs ADD COLUMN tool_version text;
