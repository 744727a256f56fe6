/// The members of a message object that its row is made of, numbered as the parser returns
/// them (``JSONParser/members(of:keys:into:repairs:)``); every other member is skipped.
enum MessageMember: Int, CaseIterable {
    case id, arrival, content, type, from, displayName, version, properties, references

    /// The content is read as UTF-8: it goes to COPY, the fingerprint and the plain-text
    /// conversion as bytes, and a `String` of it is made only for markup that has structure.
    static let keys = JSONKeyTable([
        "id", "originalarrivaltime", "content", "messagetype", "from", "displayName", "version", "properties",
        "amsreferences",
    ], readingAsUTF8: ["content"])
}

extension Array where Element == JSONMember? {
    /// The value of a message member found by the parser.
    subscript(member: MessageMember) -> JSONMember? {
        self[member.rawValue]
    }
}
