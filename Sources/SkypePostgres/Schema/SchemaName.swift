package import SkypeSupport

/// The one rule for a `--schema` name, checked by every command and by the library types that
/// take one, before anything reaches the server. PostgreSQL silently truncates an identifier
/// to 63 bytes, so two longer names would alias one schema while the advisory locks, hashed
/// from the full names, would not be shared.
package enum SchemaName {
    /// The longest identifier PostgreSQL keeps whole (`NAMEDATALEN - 1`).
    package static let maximumBytes = 63

    /// Throws a configuration error (exit 64) unless `name` is 1 to 63 bytes without NUL.
    package static func validate(_ name: String) throws(LoadError) {
        guard !name.isEmpty, name.utf8.count <= maximumBytes else {
            throw LoadError(.configuration, "--schema must be 1 to \(maximumBytes) bytes long (\"\(name.prefix(80))\" is \(name.utf8.count))",
                            hint: "PostgreSQL cuts longer names short, so two of them would name one schema: choose a shorter one")
        }
        guard !name.utf8.contains(0) else {
            throw LoadError(.configuration, "--schema must not contain a NUL byte")
        }
    }
}
