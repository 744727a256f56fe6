/// How progress is reported while a load runs.
package enum ProgressMode: Sendable, Equatable {
    /// A redrawn line on a terminal, else a plain line every `interval` seconds.
    case automatic(interval: Double)
    /// A plain line every `interval` seconds.
    case lines(interval: Double)
    /// Nothing.
    case none
}
