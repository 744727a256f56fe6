/// How a load ended: the report (always, even after a failure) and the error, if any.
public struct LoadOutcome: Sendable {
    public var report: LoadReport
    public var error: LoadError?

    /// The process exit code: 0 for a clean load, 1 for a failure.
    public var exitCode: Int32 { error == nil ? 0 : 1 }
}
