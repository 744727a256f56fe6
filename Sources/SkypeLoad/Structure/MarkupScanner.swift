/// A forgiving tokenizer for Skype's HTML/XML-ish message content: start tags with their
/// attributes, end tags, and text with entities decoded. It never fails; malformed markup
/// becomes text.
struct MarkupScanner {
    enum Token: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    static func tokens(_ content: String) -> [Token] {
        let bytes = Array(content.utf8)
        var tokens: [Token] = []
        var index = 0
        var textStart = 0
        func flushText(upTo end: Int) {
            if end > textStart {
                tokens.append(.text(PlainText.decodeEntities(String(decoding: bytes[textStart..<end], as: UTF8.self))))
            }
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), let close = closingBracket(bytes, from: index + 1) else {
                index += 1
                continue
            }
            flushText(upTo: index)
            if let token = tag(bytes[(index + 1)..<close]) { tokens.append(token) }
            index = close + 1
            textStart = index
        }
        flushText(upTo: bytes.count)
        return tokens
    }

    /// The `>` that ends the tag starting after `from`, skipping `>` inside quoted attribute values.
    private static func closingBracket(_ bytes: [UInt8], from: Int) -> Int? {
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

    private static func tag(_ inner: ArraySlice<UInt8>) -> Token? {
        var slice = inner
        guard let first = slice.first else { return nil }
        if first == UInt8(ascii: "/") {
            let name = String(decoding: slice.dropFirst(), as: UTF8.self).trimmingWhitespace().lowercased()
            return .end(name: name)
        }
        if first == UInt8(ascii: "!") || first == UInt8(ascii: "?") { return nil }
        var selfClosing = false
        if slice.last == UInt8(ascii: "/") {
            selfClosing = true
            slice = slice.dropLast()
        }
        let nameEnd = slice.firstIndex(where: isSpace) ?? slice.endIndex
        let name = String(decoding: slice[slice.startIndex..<nameEnd], as: UTF8.self).lowercased()
        guard !name.isEmpty else { return nil }
        return .start(name: name, attributes: attributes(slice[nameEnd...]), selfClosing: selfClosing)
    }

    /// `key="value"`, `key='value'` or `key=value`; keys lowercased, values entity-decoded.
    private static func attributes(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        var result: [String: String] = [:]
        var index = bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
            let keyStart = index
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: "="), !isSpace(bytes[index]) { index += 1 }
            let key = String(decoding: bytes[keyStart..<index], as: UTF8.self).lowercased()
            while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "=") else {
                if !key.isEmpty { result[key] = "" }
                continue
            }
            index += 1
            while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
            var value = ""
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                let quote = bytes[index]
                let valueStart = index + 1
                let valueEnd = bytes[valueStart...].firstIndex(of: quote) ?? bytes.endIndex
                value = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
                index = min(bytes.endIndex, valueEnd + 1)
            } else {
                let valueStart = index
                while index < bytes.endIndex, !isSpace(bytes[index]) { index += 1 }
                value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
            }
            if !key.isEmpty { result[key] = PlainText.decodeEntities(value) }
        }
        return result
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
