/// Which state of a message wins when exports disagree about it (an edit, a deletion, a
/// reaction added): the one changed last by its own times, never the one loaded last. States
/// are ordered by, in turn: the later of `properties.edittime` and `deletetime` (none: oldest),
/// `version`, deleted over not deleted, and, for states equal in all three, the content and
/// then the properties compared as bytes, so that the choice never depends on load order.
///
/// ``LoadStatements/mergeMessages`` orders rows already stored the same way in SQL (the
/// properties there as `jsonb` text, which may order two otherwise equal states differently
/// from this tool's JSON text: only a message that one export holds twice with different
/// reactions and nothing else changed can be chosen differently inside a shard and across loads).
struct MessageRevision: Comparable {
    /// The later of the edit and delete times, epoch milliseconds; `Int64.min` when neither.
    var changedAt: Int64
    var version: Int64
    var isDeleted: Bool

    static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.changedAt != rhs.changedAt { return lhs.changedAt < rhs.changedAt }
        if lhs.version != rhs.version { return lhs.version < rhs.version }
        return !lhs.isDeleted && rhs.isDeleted
    }

    /// The tie-break of states equal in their revision: content, then properties, as bytes.
    static func laterState(_ lhs: MessageRecord, than rhs: MessageRecord) -> Bool {
        let left = lhs.contentUTF8 ?? [], right = rhs.contentUTF8 ?? []
        if left != right { return right.lexicographicallyPrecedes(left) }
        return (rhs.properties ?? "").utf8.lexicographicallyPrecedes((lhs.properties ?? "").utf8)
    }
}
