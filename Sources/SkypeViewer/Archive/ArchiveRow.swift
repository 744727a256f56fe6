import Foundation

/// Typed reads of one result row (libpq gives text), so that the queries' callers never chain
/// optionals through `Int(String)`.
struct ArchiveRow {
    // One decoder for every row: making one per value showed in a page's profile.
    private static let decoder = JSONDecoder()

    let values: [String?]

    func string(_ column: Int) -> String? {
        column < values.count ? values[column] : nil
    }

    func text(_ column: Int) -> String {
        string(column) ?? ""
    }

    func int(_ column: Int) -> Int? {
        string(column).flatMap { Int($0) }
    }

    func int64(_ column: Int) -> Int64? {
        string(column).flatMap { Int64($0) }
    }

    func bool(_ column: Int) -> Bool {
        string(column) == "t"
    }

    /// A `json` column decoded into `type`; nil for NULL or for JSON of another shape.
    func json<T: Decodable>(_ column: Int, as type: T.Type) -> T? {
        guard let text = string(column) else { return nil }
        return try? Self.decoder.decode(type, from: Data(text.utf8))
    }
}
