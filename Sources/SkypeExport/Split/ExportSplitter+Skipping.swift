import SkypeSupport

/// Stepping over values: the splitter's hot loop, which tracks strings, escapes and brackets
/// without parsing (the worker parses each message fully).
extension ExportSplitter {
    /// What stepping over a value found.
    enum Skipped {
        /// The value is in the window, from `mark` to `position`.
        case kept
        /// Larger than its limit: stepped over, its bytes not kept.
        case tooLarge
        /// Nested deeper than the parser reads (``JSONParser/maximumDepth``): stepped over.
        case tooDeep
    }

    /// Steps over one value. Containers are checked for balanced brackets and closed strings
    /// only; the worker's parser checks each message fully.
    /// - Parameter stepOver: whether a value larger than `limit` or nested deeper than the
    ///   parser reads is stepped over (a message: it becomes a reject line) rather than an error.
    /// - Returns: whether the value's bytes are in the window.
    @discardableResult
    func skipValue(limit: Int = Int.max, stepOver: Bool = false) throws -> Skipped {
        guard let first = try nextNonWhitespace() else { throw truncated("a value") }
        let valueStart = jsonOffset
        switch first {
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""):
            return try skipContainerOrString(limit: limit, valueStart: valueStart, stepOver: stepOver)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            try skipScalar()
            return .kept
        default:
            throw syntaxError("unexpected character «\(JSONParser.printable(first))» where a value belongs")
        }
    }

    private func skipScalar() throws {
        while true {
            while position < end {
                switch buffer[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                    return
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
                    position += 1
                default:
                    throw syntaxError("unexpected character «\(JSONParser.printable(buffer[position]))» in a literal")
                }
            }
            guard try refill() else { return }
        }
    }

    /// The hot loop: a byte scan that tracks strings, escapes and a stack of open brackets.
    /// The stack stops at the parser's depth limit, so no value, however deep, costs more
    /// memory than that: beyond it a message's brackets are only counted, and any other value
    /// is an error.
    private func skipContainerOrString(limit: Int, valueStart: Int64, stepOver: Bool) throws -> Skipped {
        var stack: [UInt8] = []
        let maximumDepth = JSONParser.maximumDepth
        stack.reserveCapacity(16)
        // Brackets open beyond the stack: counted, not matched (the message is rejected anyway).
        var excess = 0
        var tooDeep = false
        var fits = true
        var inString = false
        var escaped = false
        while true {
            var index = position
            let stop = end
            let bytes = buffer
            while index < stop {
                if inString && !escaped {
                    // Eight bytes at a time through text (most of an export is message text),
                    // then straight to the first byte that may end the string.
                    while index + 8 <= stop {
                        let stops = JSONParser.stringStops(in: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                        guard stops != 0 else { index += 8; continue }
                        index += stops.trailingZeroBitCount >> 3
                        break
                    }
                    if index == stop { break }
                }
                let byte = bytes[index]
                index += 1
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == 0x5C {
                        escaped = true
                    } else if byte == 0x22 {
                        inString = false
                        if stack.isEmpty { position = index; return try endsWithin(limit, valueStart, fits, stepOver) }
                    }
                    continue
                }
                switch byte {
                case 0x22:
                    inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    if stack.count < maximumDepth {
                        stack.append(byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                    } else if stepOver {
                        excess += 1
                        tooDeep = true
                    } else {
                        position = index - 1
                        throw syntaxError("a value nested deeper than \(maximumDepth) levels (no Skype export nests so deep)")
                    }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if excess > 0 {
                        excess -= 1
                        continue
                    }
                    guard stack.last == byte else {
                        position = index - 1
                        throw syntaxError("a «\(JSONParser.printable(byte))» closes nothing that is open")
                    }
                    stack.removeLast()
                    if stack.isEmpty {
                        position = index
                        let outcome = try endsWithin(limit, valueStart, fits, stepOver)
                        return tooDeep && outcome == .kept ? .tooDeep : outcome
                    }
                default:
                    break
                }
            }
            position = index
            if fits && stepOver && jsonOffset - valueStart > Int64(limit) {
                // Read on to its end without keeping it: the window no longer holds the value.
                fits = false
                mark = nil
            } else if fits && jsonOffset - valueStart > Int64(limit) {
                throw LoadError(.messageTooLarge, "a value is larger than \(limit) bytes",
                                location: here(offset: valueStart),
                                hint: "Raise --max-value-bytes if this export really holds such a message")
            }
            guard try refill() else {
                throw truncated(inString ? "a string" : "a value that started at byte \(valueStart)")
            }
        }
    }

    /// At the end of a value: whether it fit in `limit` (a value that ends inside the window
    /// was not measured on the way).
    private func endsWithin(_ limit: Int, _ valueStart: Int64, _ fits: Bool, _ stepOver: Bool) throws -> Skipped {
        guard fits, jsonOffset - valueStart > Int64(limit) else { return fits ? .kept : .tooLarge }
        guard stepOver else {
            throw LoadError(.messageTooLarge, "a value is larger than \(limit) bytes", location: here(offset: valueStart),
                            hint: "Raise --max-value-bytes if this export really holds such a message")
        }
        return .tooLarge
    }
}
