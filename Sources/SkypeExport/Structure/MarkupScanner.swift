/// A forgiving tokenizer for Skype's HTML/XML-ish message content: start tags with their
/// attributes, end tags, and text with entities decoded. It never fails; malformed markup
/// becomes text.
///
/// It runs on about one message in six (attachments, calls, thread events), so it reads the
/// UTF-8 bytes in place and makes a `String` only for what a token keeps: names are lowercased
/// as ASCII bytes (`String.lowercased()` consults Unicode tables per character) and text
/// without `&` is taken as it is.
package struct MarkupScanner {
    package enum Token: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    package typealias Bytes = UnsafeBufferPointer<UInt8>

    package static func tokens(_ bytes: Bytes) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        var textStart = 0
        func flushText(upTo end: Int) {
            if end > textStart { tokens.append(.text(decodedText(slice(bytes, textStart, end)))) }
        }
        while let open = ByteSearch.firstOffset(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: index) {
            guard let close = closingBracket(bytes, from: open + 1) else {
                index = open + 1
                continue
            }
            flushText(upTo: open)
            if let token = tag(slice(bytes, open + 1, close)) { tokens.append(token) }
            index = close + 1
            textStart = index
        }
        flushText(upTo: bytes.count)
        return tokens
    }

    private static func slice(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bytes {
        Bytes(rebasing: bytes[start..<end])
    }

    /// The `>` that ends the tag starting after `from`, skipping `>` inside quoted attribute values.
    static func closingBracket(_ bytes: Bytes, from: Int) -> Int? {
        var quote: UInt8?
        var index = from
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            } else if byte == UInt8(ascii: "<") {
                return nil
            }
            index += 1
        }
        return nil
    }

    static func tag(_ inner: Bytes) -> Token? {
        guard let first = inner.first else { return nil }
        if first == UInt8(ascii: "/") {
            return .end(name: lowercased(trimmed(slice(inner, 1, inner.count))))
        }
        if first == UInt8(ascii: "!") || first == UInt8(ascii: "?") { return nil }
        var end = inner.count
        let selfClosing = inner[end - 1] == UInt8(ascii: "/")
        if selfClosing { end -= 1 }
        var nameEnd = 0
        while nameEnd < end, !isSpace(inner[nameEnd]) { nameEnd += 1 }
        guard nameEnd > 0 else { return nil }
        return .start(name: lowercased(slice(inner, 0, nameEnd)), attributes: attributes(slice(inner, nameEnd, end)),
                      selfClosing: selfClosing)
    }

    /// `key="value"`, `key='value'` or `key=value`; keys lowercased, values entity-decoded.
    private static func attributes(_ bytes: Bytes) -> [String: String] {
        var result: [String: String] = [:]
        var index = 0
        while index < bytes.count {
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            let keyStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), !isSpace(bytes[index]) { index += 1 }
            let key = lowercased(slice(bytes, keyStart, index))
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                if !key.isEmpty { result[key] = "" }
                continue
            }
            index += 1
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            let value: Bytes
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                let valueStart = index + 1
                let valueEnd = ByteSearch.firstOffset(of: bytes[index], in: UnsafeRawBufferPointer(bytes), from: valueStart)
                    ?? bytes.count
                value = slice(bytes, valueStart, valueEnd)
                index = min(bytes.count, valueEnd + 1)
            } else {
                let valueStart = index
                while index < bytes.count, !isSpace(bytes[index]) { index += 1 }
                value = slice(bytes, valueStart, index)
            }
            if !key.isEmpty { result[key] = decodedText(value) }
        }
        return result
    }

    /// The text with its entities decoded; taken as it is when it has none.
    private static func decodedText(_ bytes: Bytes) -> String {
        if ByteSearch.firstOffset(of: UInt8(ascii: "&"), in: UnsafeRawBufferPointer(bytes)) == nil {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(decoding: PlainText.decodeEntities(bytes), as: UTF8.self)
    }

    /// ASCII letters lowercased: tag and attribute names are ASCII, and other bytes (UTF-8
    /// sequences) are never in `A`...`Z`, so they pass through unchanged.
    private static func lowercased(_ bytes: Bytes) -> String {
        guard bytes.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (offset, byte) in bytes.enumerated() {
                buffer[offset] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
            }
            return bytes.count
        }
    }

    private static func trimmed(_ bytes: Bytes) -> Bytes {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return slice(bytes, start, end)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
