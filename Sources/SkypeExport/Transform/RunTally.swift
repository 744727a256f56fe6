/// Counts values that come in runs (message types: most of a conversation is `RichText`),
/// hashing a value only when the run changes instead of once per message.
struct RunTally {
    private var totals: [String: Int] = [:]
    private var current: String?
    private var run = 0

    mutating func count(_ value: String) {
        if value == current {
            run += 1
            return
        }
        flush()
        current = value
        run = 1
    }

    /// Every value with its count.
    mutating func counts() -> [String: Int] {
        flush()
        return totals
    }

    private mutating func flush() {
        if let current, run > 0 { totals[current, default: 0] += run }
        run = 0
    }
}
