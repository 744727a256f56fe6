/// A timestamp as Skype writes them: `YYYY-MM-DDTHH:MM[:SS[.f{0,7}]][Z|±HH[:]MM]`.
/// `originalarrivaltime` drops trailing zeros (`.92Z`); `exportDate` has no seconds and no zone.
/// A timestamp without a zone is taken as UTC.
package struct SkypeTimestamp: Sendable, Equatable {
    package var year, month, day, hour, minute, second: Int
    /// The fraction of a second in units of 100 ns (7 digits, as .NET writes them).
    package var ticks: Int
    /// The zone offset in minutes east of UTC.
    package var offsetMinutes: Int

    /// Parses `text`; nil when it is not a timestamp of the accepted form.
    package init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8(Self.parse) else { return nil }
        self = parsed
    }

    private init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, ticks: Int, offsetMinutes: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.ticks = ticks
        self.offsetMinutes = offsetMinutes
    }

    private static func parse(_ whole: UnsafeBufferPointer<UInt8>) -> SkypeTimestamp? {
        var length = whole.count
        while length > 0, whole[length - 1] == 0x20 { length -= 1 }
        let utf8 = UnsafeBufferPointer(rebasing: whole[0..<length])
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= utf8.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let byte = utf8[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < utf8.count, utf8[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
              let day = number(2) else { return nil }
        guard index < utf8.count, utf8[index] == UInt8(ascii: "T") || utf8[index] == 0x20 else { return nil }
        index += 1
        guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2) else { return nil }
        var second = 0
        var ticks = 0
        if expect(UInt8(ascii: ":")) {
            guard let value = number(2) else { return nil }
            second = value
            if expect(UInt8(ascii: ".")) {
                var digits = 0
                while index < utf8.count, utf8[index] >= 0x30 && utf8[index] <= 0x39 {
                    if digits < 7 { ticks = ticks * 10 + Int(utf8[index] - 0x30); digits += 1 }
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<7 { ticks *= 10 }
            }
        }
        var offset = 0
        if index < utf8.count {
            if expect(UInt8(ascii: "Z")) {
                offset = 0
            } else if utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
                let sign = utf8[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
                offset = sign * (hours * 60 + minutes)
            } else {
                return nil
            }
        }
        guard index == utf8.count else { return nil }
        guard (1...9999).contains(year), (1...12).contains(month), hour < 24, minute < 60, second <= 60,
              day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        return SkypeTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                              ticks: ticks, offsetMinutes: offset)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Microseconds since 1970-01-01 UTC (PostgreSQL's resolution: the seventh fraction digit
    /// is dropped, as in ``postgresText``).
    package var unixMicroseconds: Int64 {
        let days = EpochTime.days(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes) * 60
        return seconds * 1_000_000 + Int64(ticks / 10)
    }

    /// ISO 8601 text PostgreSQL reads exactly, to the microsecond (its resolution):
    /// `YYYY-MM-DD HH:MM:SS.ffffff+HH:MM`.
    package var postgresText: String {
        ASCIIDigits.string(count: Self.postgresTextLength, writePostgresText)
    }

    private static let postgresTextLength = 32

    private func writePostgresText(into text: UnsafeMutableBufferPointer<UInt8>) {
        let offset = abs(offsetMinutes)
        ASCIIDigits.writeDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                                  into: text)
        text[19] = UInt8(ascii: ".")
        ASCIIDigits.write(ticks / 10, width: 6, into: text, at: 20)
        text[26] = offsetMinutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
        ASCIIDigits.write(offset / 60, width: 2, into: text, at: 27)
        text[29] = UInt8(ascii: ":")
        ASCIIDigits.write(offset % 60, width: 2, into: text, at: 30)
    }
}
