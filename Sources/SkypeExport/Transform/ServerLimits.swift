/// What PostgreSQL cannot store or index, checked in the worker before the rows are sent: a
/// message the server would refuse becomes a reject line and the rest of its shard loads.
enum ServerLimits {
    /// The largest value (or sum of a key's values) indexed by a B-tree. The server refuses
    /// index entries over a third of a page (2704 bytes with 8 KiB pages) unless it can compress
    /// them; this stays under that, leaving room for the entry's other columns.
    static let indexedBytes = 2000

    /// The most digits `numeric` (and so `jsonb`) holds before the decimal point, and after it.
    static let numericDigitsBefore = 131_072
    static let numericDigitsAfter = 16_383

    /// Readable text at most this long cannot reach `tsvector`'s limit of 1 MiB (its distinct
    /// words, each with its positions; a hyphenated word is indexed whole and in parts: 940 KB
    /// of such words measured 2.5 MB). Longer text is measured by the server before the load
    /// (``ShardLoader``), which is rare enough to cost nothing.
    static let textSearchSafeBytes = 200 << 10

    /// Whether the texts (the columns of one key) are longer than ``indexedBytes`` in total.
    /// Not variadic: it runs for every message, and a variadic call allocates its array.
    static func tooLongForAnIndex(_ first: String?, _ second: String? = nil, _ third: String? = nil) -> Bool {
        (first?.utf8.count ?? 0) + (second?.utf8.count ?? 0) + (third?.utf8.count ?? 0) > indexedBytes
    }

    /// Whether a JSON number's text fits in `numeric`: the digits before and after the decimal
    /// point once its exponent is applied (`1e200000` has 200,001 before it).
    static func numericFits(_ text: String) -> Bool {
        var integerDigits = 0, fractionDigits = 0, exponent = 0
        var part = 0  // 0 integer, 1 fraction, 2 exponent
        var exponentNegative = false
        var exponentDigits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."): part = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): part = 2
            case UInt8(ascii: "-") where part == 2: exponentNegative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                switch part {
                case 0: if integerDigits > 0 || byte != UInt8(ascii: "0") { integerDigits += 1 }
                case 1: fractionDigits += 1
                default:
                    exponentDigits += 1
                    // Past 9 digits the exponent is out of range anyway; stop before overflow.
                    if exponentDigits > 9 { return false }
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                }
            default: break
            }
        }
        if exponentNegative { exponent = -exponent }
        return integerDigits + exponent <= numericDigitsBefore && fractionDigits - exponent <= numericDigitsAfter
    }

    /// Whether every number in the value fits in `numeric`.
    static func numbersFit(_ value: JSONValue) -> Bool {
        switch value {
        case let .number(text): return numericFits(text)
        case let .array(elements): return elements.allSatisfy(numbersFit)
        case let .object(members): return members.allSatisfy { numbersFit($0.value) }
        default: return true
        }
    }

}
