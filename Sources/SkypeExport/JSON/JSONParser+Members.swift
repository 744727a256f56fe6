import Foundation

/// The names of the members a reader keeps from an object, matched against keys as bytes.
package struct JSONKeyTable: Sendable {
    private let names: [StaticString]
    private let utf8Flags: [Bool]

    /// - Parameter utf8Names: the names (among `names`) whose string values are kept as UTF-8
    ///   bytes (``JSONMember/utf8(_:)``) rather than as `String`s.
    init(_ names: [StaticString], readingAsUTF8 utf8Names: [StaticString] = []) {
        self.names = names
        utf8Flags = names.map { name in utf8Names.contains { $0.description == name.description } }
    }

    var count: Int { names.count }

    /// Whether the string value of the `index`-th name is kept as UTF-8 bytes.
    func readsUTF8(_ index: Int) -> Bool {
        utf8Flags[index]
    }

    /// The index of the name equal to `key` (UTF-8), if any.
    func index(of key: UnsafeRawBufferPointer) -> Int? {
        names.firstIndex { name in
            name.utf8CodeUnitCount == key.count && (key.baseAddress.map { memcmp($0, name.utf8Start, key.count) == 0 } ?? true)
        }
    }
}

extension JSONParser {
    /// Parses `bytes` as one object, keeping only the members named in `keys`: `values[i]` is
    /// the value of `keys`' i-th name (nil when missing; the first of a repeated key wins, as
    /// ``JSONValue``'s subscript has it). Every other member is checked and skipped without
    /// being built: a message's row needs a few of its members, and making a `String` of every
    /// key and value cost about a fifth of the transform.
    ///
    /// Repairs are counted only in the values kept (the text that is stored).
    ///
    /// - Returns: false when `bytes` is valid JSON but not an object.
    static func members(of bytes: UnsafeRawBufferPointer, keys: JSONKeyTable, into values: inout [JSONMember?],
                        repairs: inout RepairCounts) throws(SyntaxError) -> Bool {
        values.removeAll(keepingCapacity: true)
        values.append(contentsOf: repeatElement(nil, count: keys.count))
        var parser = JSONParser(bytes)
        let isObject = try parser.parseMembers(keys: keys, into: &values)
        parser.skipWhitespace()
        if parser.position < bytes.count { throw parser.fail("unexpected data after the value") }
        repairs.add(parser.repairs)
        return isObject
    }

    private mutating func parseMembers(keys: JSONKeyTable, into values: inout [JSONMember?]) throws(SyntaxError) -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            try skipValue()
            return false
        }
        position += 1
        depth += 1
        defer { depth -= 1 }
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { position += 1; return true }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
            let index = try memberIndex(keys: keys)
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            position += 1
            if let index, values[index] == nil {
                skipWhitespace()
                values[index] = keys.readsUTF8(index) && peek() == UInt8(ascii: "\"") ? .utf8(try parseUTF8()) : .value(try parseValue())
            } else {
                try skipValue()
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return true
            case nil: throw fail("the object ends early")
            default: throw fail("expected ',' or '}' in an object")
            }
        }
    }

    /// At a key's opening quote: which of `keys` it is. Keys are compared as they are in the
    /// file; only one with an escape is decoded first.
    private mutating func memberIndex(keys: JSONKeyTable) throws(SyntaxError) -> Int? {
        let start = position
        let hasEscape = try skipString()
        guard hasEscape else { return keys.index(of: UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<(position - 1)])) }
        let end = position
        let counted = repairs
        position = start
        var key = try parseString()
        position = end
        repairs = counted  // a key is not stored
        return key.withUTF8 { keys.index(of: UnsafeRawBufferPointer($0)) }
    }

    /// Checks one value's syntax and moves past it without building it.
    private mutating func skipValue() throws(SyntaxError) {
        skipWhitespace()
        guard let byte = peek() else { throw fail("the value ends early") }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
            skipWhitespace()
            if peek() == closing { position += 1; return }
            while true {
                skipWhitespace()
                if closing == UInt8(ascii: "}") {
                    guard peek() == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                    _ = try skipString()
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                    position += 1
                }
                try skipValue()
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): position += 1
                case closing: position += 1; return
                case nil: throw fail(closing == UInt8(ascii: "}") ? "the object ends early" : "the array ends early")
                default:
                    throw fail(closing == UInt8(ascii: "}") ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
            }
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw fail("unexpected character «\(Self.printable(byte))»")
        }
    }

    /// At the opening quote: moves past the closing one, checking escapes; true when the
    /// string has any. Its UTF-8 is not checked: a skipped string is not stored.
    private mutating func skipString() throws(SyntaxError) -> Bool {
        position += 1
        var hasEscape = false
        let counted = repairs
        defer { repairs = counted }
        while position < bytes.count {
            _ = skipPlainStringBytes()
            guard position < bytes.count else { break }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                return hasEscape
            case UInt8(ascii: "\\"):
                hasEscape = true
                let scratchCount = scratch.count
                try parseEscape()
                scratch.removeLast(scratch.count - scratchCount)
            default:
                position += 1
            }
        }
        throw fail("a string is not closed")
    }
}
