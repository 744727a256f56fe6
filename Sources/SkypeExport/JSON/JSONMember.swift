/// The value of a member kept by ``JSONParser/members(of:keys:into:repairs:)``.
package enum JSONMember: Sendable, Equatable {
    /// Parsed as any value is.
    case value(JSONValue)
    /// A string of a key read as UTF-8 (``JSONKeyTable``): decoded, checked and repaired as
    /// any string is, but never made a `String`.
    case utf8([UInt8])

    /// The member as a parsed value.
    var json: JSONValue {
        switch self {
        case let .value(value): return value
        case let .utf8(bytes): return .string(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The member as text, as ``JSONValue/text`` reads it.
    var text: String? {
        switch self {
        case let .value(value): return value.text
        case let .utf8(bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// ``text`` as UTF-8.
    var utf8: [UInt8]? {
        switch self {
        case let .value(value): return value.text.map { Array($0.utf8) }
        case let .utf8(bytes): return bytes
        }
    }
}
