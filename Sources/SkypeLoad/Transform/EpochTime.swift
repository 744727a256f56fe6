/// Epoch milliseconds (as Skype's `edittime`, `deletetime` and message ids carry them) to
/// timestamp text PostgreSQL reads.
enum EpochTime {
    /// nil for text that is not a plausible epoch-ms number (years 1970 to 9999).
    static func postgresText(milliseconds text: String) -> String? {
        let digits = text.split(separator: ".").first.map(String.init) ?? text
        guard let ms = Int64(digits), ms >= 0, ms < 253_402_300_800_000 else { return nil }
        let seconds = ms / 1000
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        let (year, month, day) = civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(ms % 1000, 3))+00"
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
