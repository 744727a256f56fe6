import Foundation

/// Typed reads of one result row (libpq gives text), so that the queries' callers never chain
/// optionals through `Int(String)`.
struct ArchiveRow {
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
}
