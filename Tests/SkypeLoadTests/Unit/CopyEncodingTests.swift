import Foundation
@testable import SkypeExport
import Testing

@Suite struct CopyEncodingTests {
    private func row(_ fields: [String?]) -> String {
        var writer = CopyWriter()
        for field in fields { writer.field(field) }
        writer.endRow()
        return String(decoding: writer.buffer, as: UTF8.self)
    }

    @Test func escapesTheCharactersCopyTextGivesMeaning() {
        #expect(row(["a\tb", "c\nd", "e\\f", "g\rh"]) == "a\\tb\tc\\nd\te\\\\f\tg\\rh\n")
    }

    @Test func distinguishesNullFromTheTextBackslashN() {
        #expect(row([nil, "\\N", ""]) == "\\N\t\\\\N\t\n")
    }

    @Test func copyEndMarkerIsEscaped() {
        #expect(row(["\\."]) == "\\\\.\n")
    }

    @Test func nulBecomesReplacementCharacter() {
        #expect(row(["a\u{0}b"]) == "a\u{FFFD}b\n")
    }

    @Test func multibyteTextPassesUnchanged() {
        #expect(row(["東京 😀 שלום"]) == "東京 😀 שלום\n")
    }

    @Test func escapesAtEveryPositionOfLongText() {
        // The escaper skips eight bytes at a time: a special byte in any lane, and runs of them.
        for position in 0..<20 {
            for special in ["\t", "\n", "\r", "\\", "\u{0}"] {
                let text = String(repeating: "é", count: position) + special + String(repeating: "x", count: 19 - position)
                let expected = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
                    .replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
                #expect(row([text]) == expected + "\n")
            }
        }
    }

    @Test func wordCheckAgreesWithByteCheck() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80,
                                    0xA2, 0xC3, 0xDC, 0xFF]
        for _ in 0..<20_000 {
            var bytes = (0..<8).map { _ in interesting.randomElement(using: &generator)! }
            if Bool.random(using: &generator) { bytes = bytes.map { $0 < 0x20 || $0 == 0x5C ? 0x41 : $0 } }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(CopyEncoding.mayNeedEscape(word) == bytes.contains { $0 < 0x20 || $0 == 0x5C })
            // Exact, byte for byte: the scanners jump to the lowest flagged byte.
            let stops = bytes.enumerated().reduce(UInt64(0)) { mask, byte in
                [0x00, 0x22, 0x5C].contains(byte.element) ? mask | UInt64(0x80) << (byte.offset * 8) : mask
            }
            #expect(JSONParser.stringStops(in: word) == stops)
        }
    }

    @Test func integersAndBooleans() {
        var writer = CopyWriter()
        writer.field(Int64(-42))
        writer.field(true)
        writer.field(Int64?.none)
        writer.field(Int64.min)
        writer.field(Int64(0))
        writer.endRow()
        #expect(String(decoding: writer.buffer, as: UTF8.self) == "-42\tt\t\\N\t-9223372036854775808\t0\n")
    }

    @Test func invalidUTF8InTheExportIsRepairedBeforeItReachesCopy() throws {
        var bytes = Array(#"{"content":""#.utf8)
        bytes += [0x61, 0xC3, 0x28, 0x62]
        bytes += Array(#""}"#.utf8)
        var repairs = RepairCounts()
        let value = try bytes.withUnsafeBytes { try JSONParser.parse($0, repairs: &repairs) }
        #expect(row([value["content"]?.text]) == "a\u{FFFD}(b\n")
        #expect(repairs.invalidUTF8 == 1)
    }
}
