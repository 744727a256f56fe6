import SkypeSupport

/// The refillable window the splitter reads through, and the errors that point into it.
extension ExportSplitter {
    func skipByteOrderMark() throws {
        _ = try ensure(3)
        if end - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
        }
    }

    /// The next byte that is not JSON whitespace, without consuming it; nil at the end.
    func nextNonWhitespace() throws -> UInt8? {
        while true {
            while position < end {
                let byte = buffer[position]
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return byte
                }
            }
            guard try refill() else { return nil }
        }
    }

    func ensure(_ count: Int) throws -> Bool {
        while end - position < count {
            guard try refill() else { return false }
        }
        return true
    }

    /// Reads more bytes, keeping those from `mark` (or `position`); false at the end of the stream.
    func refill() throws -> Bool {
        if ended { return false }
        let keep = mark ?? position
        if keep > 0 {
            let kept = end - keep
            if kept > 0, let to = buffer.baseAddress, let from = buffer.baseAddress?.advanced(by: keep) {
                to.copyMemory(from: from, byteCount: kept)
            }
            base += Int64(keep)
            position -= keep
            end -= keep
            if mark != nil { mark = 0 }
        }
        if end == buffer.count {
            // The captured value fills the window: grow it, up to the value limit.
            let grown = min(buffer.count * 2, configuration.maximumValueBytes + (1 << 20))
            guard grown > buffer.count else {
                throw LoadError(.messageTooLarge, "a value is larger than \(configuration.maximumValueBytes) bytes",
                                location: here(offset: base),
                                hint: "Raise --max-value-bytes if this export really holds such a message")
            }
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: grown, alignment: 16)
            larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            buffer.deallocate()
            buffer = larger
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if count == 0 {
            ended = true
            return false
        }
        end += count
        return true
    }

    // MARK: - Errors

    func here(offset: Int64? = nil) -> LoadError.Location {
        var where_ = location
        where_.offset = offset ?? jsonOffset
        where_.storedOffset = source.storedBytesRead
        return where_
    }

    func syntaxError(_ message: String) -> LoadError {
        // Read a little ahead so the message can show what follows the error.
        _ = try? ensure(32)
        let from = max(0, position - 32)
        let to = min(end, position + 32)
        let context = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[from..<to]), as: UTF8.self)
            .map { $0.isASCII && ($0.asciiValue ?? 0) < 0x20 ? " " : String($0) }.joined()
        return LoadError(.inputCorrupt, "JSON syntax error: \(message)", location: here(),
                         hint: "The export is damaged at this point; repair or re-export it and run again (committed shards are kept)",
                         context: context)
    }

    func truncated(_ what: String) -> LoadError {
        LoadError(.inputTruncated, "the export ends in the middle of \(what)", location: here(),
                  hint: "The file is truncated: copy or download it again, then rerun (committed shards are kept)")
    }
}
