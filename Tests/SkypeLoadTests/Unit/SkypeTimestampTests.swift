@testable import SkypeExport
import Testing

@Suite struct SkypeTimestampTests {
    @Test(arguments: [
        ("2025-03-08T17:33:29.205Z", "2025-03-08 17:33:29.205000+00:00"),
        ("2025-03-08T17:33:29.92Z", "2025-03-08 17:33:29.920000+00:00"),
        ("2025-03-08T17:33:29Z", "2025-03-08 17:33:29.000000+00:00"),
        ("2025-03-08T17:40", "2025-03-08 17:40:00.000000+00:00"),
        ("2025-03-08T17:33:29.1234567Z", "2025-03-08 17:33:29.123456+00:00"),
        ("2024-02-29T00:00:00+02:00", "2024-02-29 00:00:00.000000+02:00"),
    ])
    func parses(_ text: String, _ expected: String) throws {
        let timestamp = try #require(SkypeTimestamp(text))
        #expect(timestamp.postgresText == expected)
    }

    @Test(arguments: ["", "now", "2025-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2025-03-08T25:00Z",
                      "2025-03-08T17:33:29.Z", "2025-03-08T17:33:29Zjunk", "1741455209205"])
    func refuses(_ text: String) {
        #expect(SkypeTimestamp(text) == nil)
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2025-03-08T17:33:29.205Z", Int64(1_741_455_209_205_000)),
        ("2024-02-29T00:00:00+02:00", Int64(1_709_157_600_000_000)),
        ("2025-03-08T17:33:29.1234567Z", Int64(1_741_455_209_123_456)),
        ("1969-12-31T23:59:59.5Z", Int64(-500_000)),
    ])
    func microsecondsSinceTheUnixEpoch(_ text: String, _ expected: Int64) throws {
        #expect(try #require(SkypeTimestamp(text)).unixMicroseconds == expected)
    }

    @Test func daysFromCivilInvertsCivilFromDays() {
        for days in stride(from: Int64(-800_000), through: 2_932_896, by: 997) {
            let (year, month, day) = EpochTime.civil(fromDays: days)
            #expect(EpochTime.days(year: year, month: month, day: day) == days)
        }
    }

    @Test func epochMillisecondsBecomeTimestamps() {
        #expect(EpochTime.postgresText(milliseconds: "1741455209205") == "2025-03-08 17:33:29.205+00")
        #expect(EpochTime.postgresText(milliseconds: "0") == "1970-01-01 00:00:00.000+00")
        #expect(EpochTime.postgresText(milliseconds: "soon") == nil)
    }
}
