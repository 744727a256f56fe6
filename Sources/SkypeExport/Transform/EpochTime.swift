/// Epoch milliseconds (as Skype's `edittime`, `deletetime` and message ids carry them) to
/// timestamp text PostgreSQL reads.
package enum EpochTime {
    /// The milliseconds `text` holds; nil for text that is not a plausible epoch-ms number
    /// (years 1970 to 9999).
    static func milliseconds(_ text: String) -> Int64? {
        guard let ms = ASCIIDigits.integerPart(text), ms >= 0, ms < 253_402_300_800_000 else { return nil }
        return ms
    }

    /// nil for text that is not a plausible epoch-ms number (years 1970 to 9999).
    static func postgresText(milliseconds text: String) -> String? {
        milliseconds(text).map(postgresText(milliseconds:))
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm+00`.
    package static func postgresText(milliseconds ms: Int64) -> String {
        let seconds = ms / 1000
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = civil(fromDays: seconds / 86_400)
        return ASCIIDigits.string(count: 26) { out in
            ASCIIDigits.writeDateTime(year: Int(year), month: Int(month), day: Int(day), hour: secondOfDay / 3600,
                                      minute: secondOfDay / 60 % 60, second: secondOfDay % 60, into: out)
            out[19] = UInt8(ascii: ".")
            ASCIIDigits.write(Int(ms % 1000), width: 3, into: out, at: 20)
            out[23] = UInt8(ascii: "+")
            out[24] = UInt8(ascii: "0")
            out[25] = UInt8(ascii: "0")
        }
    }

    /// Howard Hinnant's days from civil: a proleptic Gregorian date to days since 1970-01-01.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Howard Hinnant's days-from-civil inverse: days since 1970-01-01 to a proleptic Gregorian date.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
