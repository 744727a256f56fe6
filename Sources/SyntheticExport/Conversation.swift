import FoundationEssentials

/// One generated conversation: its id, members and header.
struct Conversation {
    let index: Int
    let id: String
    let members: [String]
    let owner = "8:live:.cid.5f7427f5c0ffee"
    let isGroup: Bool

    init(index: Int, seed: UInt64) {
        self.index = index
        var rng = SplitMix64(seed: seed &+ UInt64(index) &* 7919)
        switch index % 10 {
        case 0, 1, 2, 3, 4:
            isGroup = true
            id = "19:" + String(rng.next(), radix: 16) + String(rng.next(), radix: 16) + "@thread.skype"
        case 9:
            isGroup = false
            id = index == 9 ? "48:notes" : "28:concierge-bot-\(index)"
        case 8 where index == 18:
            isGroup = false
            id = "48:calllogs"
        default:
            isGroup = false
            id = "8:live:friend\(index)"
        }
        var members = [owner]
        if isGroup {
            for member in 0..<(2 + Int(rng.next() % 6)) { members.append("8:live:member\(index)x\(member)") }
        } else {
            members.append(id.hasPrefix("8:") ? id : "8:live:someone\(index)")
        }
        self.members = members
    }

    func name(of member: String) -> String {
        member == owner ? "Me Myself" : "Person " + (member.split(separator: ":").last.map(String.init) ?? member).capitalized
    }

    func headerJSON(hazards: Bool) -> [UInt8] {
        let displayName = index % 4 == 0 && hazards ? "null" : "\"Chat \(index) ☕\""
        let version = index % 2 == 0 ? "1594056032575.0" : "1594056032575"
        var threadProperties = "null"
        if isGroup {
            let memberList = members.map { "\\\"\($0)\\\"" }.joined(separator: ",")
            let membersJSON = index % 3 == 0
                ? "[" + members.map { #"{"MemberMri":"\#($0)"}"# }.joined(separator: ",") + "]"
                : "\"[\(memberList)]\""
            threadProperties = #"{"membercount":\#(members.count),"topic":"Topic \#(index)","members":\#(membersJSON)}"#
        }
        let json = #""id":"\#(id)","displayName":\#(displayName),"version":\#(version),"properties":{"conversationblocked":false,"lastimreceivedtime":"2025-03-01T10:00:00.123Z","consumptionhorizon":"1;2;3"},"threadProperties":\#(threadProperties),"messages":null"#
        return Array(json.utf8)
    }
}
