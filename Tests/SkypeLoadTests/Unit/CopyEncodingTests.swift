import Testing
@testable import SkypeLoad

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

    @Test func integersAndBooleans() {
        var writer = CopyWriter()
        writer.field(Int64(-42))
        writer.field(true)
        writer.field(Int64?.none)
        writer.endRow()
        #expect(String(decoding: writer.buffer, as: UTF8.self) == "-42\tt\t\\N\n")
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
