/// Splits a script of SQL statements at the semicolons that end them: not those inside string
/// constants (`'...'`, `E'...'` with backslash escapes), quoted identifiers, dollar-quoted
/// bodies (`$tag$...$tag$`) or comments (`--`, nested `/* */`). Only for the tool's own
/// migrations, which are trusted text: it finds statement ends, it does not validate SQL.
enum SQLStatementSplitter {
    static func split(_ sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        // Whether the current piece holds more than white space and comments.
        var holdsCode = false
        func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func flush(upTo end: Int) {
            if holdsCode { statements.append(String(decoding: bytes[start..<end], as: UTF8.self)) }
            holdsCode = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            let comment = (byte == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) || (byte == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*"))
            if !comment && byte != UInt8(ascii: ";") && byte != 0x20 && byte != 0x0a && byte != 0x09 && byte != 0x0d { holdsCode = true }
            switch byte {
            case UInt8(ascii: "'"):
                let escapes = index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e")
                    && (index < 2 || !Self.isWordByte(bytes[index - 2]))
                index = Self.skipQuoted(bytes, from: index, quote: byte, backslashEscapes: escapes)
            case UInt8(ascii: "\""):
                index = Self.skipQuoted(bytes, from: index, quote: byte, backslashEscapes: false)
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                var depth = 0
                repeat {
                    if peek(0) == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") { depth += 1; index += 2 }
                    else if peek(0) == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") { depth -= 1; index += 2 }
                    else { index += 1 }
                } while depth > 0 && index < bytes.count
            case UInt8(ascii: "$") where index == 0 || !Self.isWordByte(bytes[index - 1]):
                index = Self.skipDollarQuoted(bytes, from: index)
            case UInt8(ascii: ";"):
                index += 1
                flush(upTo: index)
                start = index
            default:
                index += 1
            }
        }
        flush(upTo: bytes.count)
        return statements
    }

    /// The index after a quoted run that starts at `from` (its opening quote); a doubled quote
    /// stands for one.
    private static func skipQuoted(_ bytes: [UInt8], from: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = from + 1
        while index < bytes.count {
            if backslashEscapes && bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote { index += 2; continue }
                return index + 1
            }
            index += 1
        }
        return index
    }

    /// After `$tag$ ... $tag$` when `from` opens one; else just past the `$` (a parameter `$1`).
    private static func skipDollarQuoted(_ bytes: [UInt8], from: Int) -> Int {
        var end = from + 1
        while end < bytes.count && isWordByte(bytes[end]) && !(bytes[end] >= 0x30 && bytes[end] <= 0x39 && end == from + 1) {
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else { return from + 1 }
        let tag = Array(bytes[from...end])
        var index = end + 1
        while index + tag.count <= bytes.count {
            if bytes[index] == UInt8(ascii: "$") && Array(bytes[index..<(index + tag.count)]) == tag { return index + tag.count }
            index += 1
        }
        return bytes.count
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a) || byte == 0x5f || byte >= 0x80
    }
}
