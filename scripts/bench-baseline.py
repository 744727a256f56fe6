#!/usr/bin/env python3
"""The batched-INSERT baseline: what the old Python tools do.

Reads the whole messages.json into memory (json.load), then inserts conversations and messages
over one connection with psycopg2's execute_values in batches of 1,000 rows, in one transaction,
into the same schema and indexes as skype-parallel-load. It makes the same rows the loader's
core columns hold (identity, time, sender, type, content), without the loader's parsing of
markup: the baseline is generous to the old approach.

    scripts/bench-baseline.py DATABASE_URL SCHEMA messages.json
"""
import hashlib
import json
import sys

import psycopg2
from psycopg2.extras import execute_values


def fingerprint(*parts):
    digest = hashlib.blake2b("\xff".join(p or "" for p in parts).encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def clean(text):
    if text is None:
        return None
    text = str(text).replace("\x00", "\ufffd")
    return text.encode("utf-8", "replace").decode("utf-8")


def main():
    url, schema, path = sys.argv[1:4]
    with open(path, "rb") as handle:
        export = json.loads(handle.read().decode("utf-8", "replace"))
    connection = psycopg2.connect(url)
    cursor = connection.cursor()
    conversations = []
    rows = []
    for conversation in export.get("conversations") or []:
        cid = clean(conversation.get("id")) or ""
        title = clean(conversation.get("displayName")) or cid
        conversations.append((cid, clean(conversation.get("displayName")), title, "other"))
        for message in conversation.get("MessageList") or []:
            if not isinstance(message, dict) or not message.get("originalarrivaltime"):
                continue
            content = clean(message.get("content"))
            sender = clean(message.get("from"))
            kind = clean(message.get("messagetype"))
            sent = message["originalarrivaltime"]
            rows.append((cid, clean(message.get("id")) or "", fingerprint(sent, sender, kind, content), sent, sender,
                         clean(message.get("displayName")), kind, content, content))
    execute_values(cursor, f'INSERT INTO "{schema}".conversations (id, display_name, title, kind) VALUES %s '
                           "ON CONFLICT DO NOTHING", conversations, page_size=1000)
    execute_values(cursor, f'INSERT INTO "{schema}".messages (conversation_id, message_id, fingerprint, sent_at, '
                           "sender_id, sender_name, message_type, content, body_text) VALUES %s ON CONFLICT DO NOTHING",
                   rows, page_size=1000)
    connection.commit()
    print(len(rows))


if __name__ == "__main__":
    main()
