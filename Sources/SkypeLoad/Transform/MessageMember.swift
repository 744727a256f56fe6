/// The members of a message object that its row is made of, numbered as the parser returns
/// them (``JSONParser/members(of:keys:into:repairs:)``); every other member is skipped.
enum MessageMember: Int, CaseIterable {
    case id, arrival, content, type, from, displayName, version, properties, references

    static let keys = JSONKeyTable([
        "id", "originalarrivaltime", "content", "messagetype", "from", "displayName", "version", "properties",
        "amsreferences",
    ])
}

extension Array where Element == JSONValue? {
    /// The value of a message member found by the parser.
    subscript(member: MessageMember) -> JSONValue? {
        self[member.rawValue]
    }
}
