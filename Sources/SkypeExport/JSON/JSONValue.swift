/// A parsed JSON value. Numbers keep their text so that 13+ digit ids survive exactly;
/// objects keep their members in order (and any repeated keys) as the file had them.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The first member named `key` of an object; nil for other values or a missing key.
    package subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// The value as text: a string as it is, a number as its digits, nil for anything else.
    /// Real exports put numbers where strings belong and the reverse; both are read.
    package var text: String? {
        switch self {
        case let .string(value): return value
        case let .number(value): return value
        case let .bool(value): return value ? "true" : "false"
        default: return nil
        }
    }

    /// True for `null`.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
