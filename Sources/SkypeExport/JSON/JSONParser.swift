/// A JSON parser for one value held in memory (a message, a conversation's header): small
/// documents, so a tree is fine here; the export as a whole is never parsed this way. Messages
/// on the load path build none: ``members(of:keys:into:repairs:)`` keeps only a row's members.
///
/// Strings are repaired for PostgreSQL as they are decoded (NUL, invalid UTF-8 and lone
/// surrogates become U+FFFD) and every repair is counted.
package struct JSONParser {
    /// A syntax error at `offset` bytes from the start of the parsed bytes.
    package struct SyntaxError: Error, Sendable, Equatable {
        package var offset: Int
        package var message: String
    }

    let bytes: UnsafeRawBufferPointer
    var position = 0
    var depth = 0
    /// The repairs made so far.
    package internal(set) var repairs = RepairCounts()
    var scratch: [UInt8] = []

    static let maximumDepth = 512

    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses `bytes` as exactly one JSON value (surrounding whitespace allowed).
    package static func parse(_ bytes: UnsafeRawBufferPointer, repairs: inout RepairCounts) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        let value = try parser.parseDocument()
        repairs.add(parser.repairs)
        return value
    }

    /// Convenience for tests and small values.
    package static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        var repairs = RepairCounts()
        var outcome: Result<JSONValue, SyntaxError> = .success(.null)
        Array(text.utf8).withUnsafeBytes { buffer in
            outcome = Result { () throws(SyntaxError) in try parse(buffer, repairs: &repairs) }
        }
        return try outcome.get()
    }

    package mutating func parseDocument() throws(SyntaxError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count { throw fail("unexpected data after the value") }
        return value
    }

    func fail(_ message: String) -> SyntaxError {
        SyntaxError(offset: position, message: message)
    }

    @inline(__always)
    func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(SyntaxError) -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw fail("the value ends early") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character «\(Self.printable(byte))»")
        }
    }

    mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("the value ends early") }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] {
            throw fail("unexpected character «\(Self.printable(bytes[position + index]))»")
        }
        position += count
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let range = try scanNumber()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// At a number's first byte: moves past it and returns where its text lies.
    mutating func scanNumber() throws(SyntaxError) -> Range<Int> {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        var digits = 0
        while let byte = peek(), byte >= 0x30 && byte <= 0x39 { position += 1; digits += 1 }
        guard digits > 0 else { throw fail("a number has no digits") }
        if peek() == UInt8(ascii: ".") {
            position += 1
            var fraction = 0
            while let byte = peek(), byte >= 0x30 && byte <= 0x39 { position += 1; fraction += 1 }
            guard fraction > 0 else { throw fail("a number has no digits after its point") }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            var exponent = 0
            while let byte = peek(), byte >= 0x30 && byte <= 0x39 { position += 1; exponent += 1 }
            guard exponent > 0 else { throw fail("a number has no exponent digits") }
        }
        return start..<position
    }

    private mutating func parseArray() throws(SyntaxError) -> JSONValue {
        position += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { position += 1; return .array(elements) }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            case nil: throw fail("the array ends early")
            default: throw fail("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseObject() throws(SyntaxError) -> JSONValue {
        position += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
        var members: [(key: String, value: JSONValue)] = []
        // A message has about a dozen keys: one allocation instead of four doublings.
        members.reserveCapacity(depth == 1 ? 16 : 4)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            position += 1
            members.append((key, try parseValue()))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            case nil: throw fail("the object ends early")
            default: throw fail("expected ',' or '}' in an object")
            }
        }
    }

    /// At the opening quote; returns the decoded, repaired text.
    mutating func parseString() throws(SyntaxError) -> String {
        try decodeString(
            accepting: { raw, isASCII in isASCII ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self) },
            repaired: { String(decoding: $0, as: UTF8.self) })
    }

    /// At the opening quote; returns the decoded, repaired text as UTF-8, checked here rather
    /// than by `String` (whose check was the larger part of reading a message's content).
    mutating func parseUTF8() throws(SyntaxError) -> [UInt8] {
        try decodeString(accepting: { raw, isASCII in isASCII || UTF8Repair.isValid(raw) ? Array(raw) : nil },
                         repaired: { $0 })
    }

    /// At the opening quote: decodes a string. `accepting` makes the result from bytes without
    /// escapes (and whether they are all ASCII), or returns nil when they are not valid UTF-8;
    /// `repaired` makes it from bytes already repaired.
    @inline(__always)
    private mutating func decodeString<Text>(accepting: (UnsafeRawBufferPointer, Bool) -> Text?,
                                             repaired: ([UInt8]) -> Text) throws(SyntaxError) -> Text {
        position += 1
        let start = position
        // Fast path: text without escapes needs no copy, only one validation of its UTF-8.
        var ascii = true
        while position < bytes.count {
            if !skipPlainStringBytes() { ascii = false }
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if let text = accepting(UnsafeRawBufferPointer(rebasing: bytes[start..<position]), ascii) {
                    position += 1
                    return text
                }
                // Invalid UTF-8: repaired and counted.
                position = start
                return repaired(try parseStringRepairing())
            }
            if byte == UInt8(ascii: "\\") || byte == 0 { break }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        // Escapes: raw runs are copied as they are and the result is validated once at the end;
        // only text that fails (invalid UTF-8, a raw NUL) takes the repairing pass.
        let repairsBefore = repairs
        scratch.removeAll(keepingCapacity: true)
        var rawStart = start
        var rawNUL = false
        while position < bytes.count {
            _ = skipPlainStringBytes()
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[rawStart..<position]))
                if byte == UInt8(ascii: "\"") {
                    if !rawNUL, let text = scratch.withUnsafeBytes({ accepting($0, false) }) {
                        position += 1
                        return text
                    }
                    position = start
                    repairs = repairsBefore
                    return repaired(try parseStringRepairing())
                }
                try parseEscape()
                rawStart = position
                continue
            }
            if byte == 0 { rawNUL = true }
            position += 1
        }
        throw fail("a string is not closed")
    }

    /// After the opening quote: decodes the string, repairing (and counting) invalid UTF-8 and NUL.
    private mutating func parseStringRepairing() throws(SyntaxError) -> [UInt8] {
        scratch.removeAll(keepingCapacity: true)
        var rawStart = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                appendRepairingUTF8(UnsafeRawBufferPointer(rebasing: bytes[rawStart..<position]))
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return scratch
                }
                try parseEscape()
                rawStart = position
                continue
            }
            position += 1
        }
        throw fail("a string is not closed")
    }

    /// Moves eight bytes at a time over string text that holds no quote, backslash or NUL,
    /// then straight to the first such byte of the last word (not one byte per try, which
    /// short strings such as keys mostly are); fewer than eight bytes from the end, it leaves
    /// the rest to the caller. Returns whether every byte passed over was ASCII.
    @inline(__always)
    mutating func skipPlainStringBytes() -> Bool {
        var ascii = true
        while position + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let stops = Self.stringStops(in: word)
            guard stops != 0 else {
                if ByteWord.hasNonASCII(word) { ascii = false }
                position += 8
                continue
            }
            // Little-endian: the lowest flagged byte is the first in the text.
            let plain = stops.trailingZeroBitCount >> 3
            if plain > 0, ByteWord.hasNonASCII(word & ((1 << (UInt64(plain) << 3)) &- 1)) { ascii = false }
            position += plain
            break
        }
        return ascii
    }

    /// The high bit of each byte of `word` that is a quote, a backslash or NUL: the bytes that
    /// stop a scan through string text (the parser's, and the splitter's inside a string).
    @inline(__always)
    static func stringStops(in word: UInt64) -> UInt64 {
        ByteWord.mask(of: 0x22, in: word) | ByteWord.mask(of: 0x5C, in: word) | ByteWord.mask(of: 0, in: word)
    }

    mutating func parseEscape() throws(SyntaxError) {
        position += 1
        guard let code = peek() else { throw fail("a string ends inside an escape") }
        position += 1
        switch code {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4()
            if unit == 0 {
                repairs.nulCharacters += 1
                appendScalar(0xFFFD)
            } else if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate must be followed by an escaped low one.
                if position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                    let saved = position
                    position += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        position = saved
                        repairs.loneSurrogates += 1
                        appendScalar(0xFFFD)
                    }
                } else {
                    repairs.loneSurrogates += 1
                    appendScalar(0xFFFD)
                }
            } else if (0xDC00...0xDFFF).contains(unit) {
                repairs.loneSurrogates += 1
                appendScalar(0xFFFD)
            } else {
                appendScalar(unit)
            }
        default:
            position -= 1
            throw fail("unknown escape «\\\(Self.printable(code))»")
        }
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("a \\u escape ends early") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw fail("a \\u escape has a non-hex digit")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func appendScalar(_ value: UInt32) {
        UTF8Repair.appendScalar(value, to: &scratch)
    }

    private mutating func appendRepairingUTF8(_ raw: UnsafeRawBufferPointer) {
        UTF8Repair.append(raw, to: &scratch, repairs: &repairs)
    }

    static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7f).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
