/// The version of skype-parallel-load, in one place: `--version` prints it, every load records
/// it in `load_runs.tool_version`, and `scripts/check-install` checks an installed binary against it.
package enum ToolVersion {
    /// Semantic versioning: the major number changes when a load of the same export could
    /// store different rows, or an option or exit code changes meaning.
    package static let current = "0.9.0"
}
