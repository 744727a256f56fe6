/// An account whose exports the archive holds.
package struct ArchiveAccount: Sendable, Equatable {
    /// The export's owner (`8:live:...`), `''` for exports that name none.
    package var id: String
    package var conversations: Int
    package var messages: Int
}

/// One conversation of an account, as the conversation list shows it.
package struct ConversationSummary: Sendable, Equatable {
    package var account: String
    package var id: String
    package var title: String
    /// `one_to_one`, `group`, `bot`, `own_list`, `other`.
    package var kind: String
    package var messageCount: Int
    package var participantCount: Int
    /// A few participants' ids, for the list.
    package var participants: [String]
    /// Local dates and times, formatted by the database in the viewer's time zone.
    package var firstMessageAt: String?
    package var lastMessageAt: String?
    /// Where the list goes on: this row's position in the order (last activity).
    package var cursor: String

    /// The kind as words: `one to one`, `own list`.
    package var kindLabel: String {
        String(decoding: kind.utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}

/// One message, with everything the page shows of it.
package struct ArchiveMessage: Sendable, Equatable {
    package var account: String
    package var conversationID: String
    package var messageID: String
    package var fingerprint: Int64
    /// Where the message stands in its conversation's order (`sent_at`, then the key).
    package var cursor: MessageCursor
    /// The local time of sending, `YYYY-MM-DD HH:MM:SS`, and its date alone.
    package var localTime: String
    package var localDate: String
    package var senderID: String?
    package var senderName: String?
    package var messageType: String
    package var content: String
    package var bodyText: String
    package var editedAt: String?
    package var deletedAt: String?
    package var isEdited: Bool
    package var isDeleted: Bool
    package var reactions: [Reaction] = []
    package var quotes: [Quote] = []
    package var attachments: [Attachment] = []
    package var call: Call?

    /// A reaction and who gave it.
    package struct Reaction: Sendable, Equatable {
        package var reaction: String
        package var user: String
    }

    /// A quoted message inside a reply.
    package struct Quote: Sendable, Equatable {
        package var messageID: String?
        package var conversationID: String?
        package var authorName: String?
        package var authorID: String?
        package var quotedAt: String?
        package var text: String?
    }

    /// A file, photo, video or voice message, and the stored media it can be shown from.
    package struct Attachment: Sendable, Equatable {
        package var position: Int
        package var kind: String?
        package var name: String?
        package var sizeBytes: Int64?
        package var docID: String?
        /// The stored original's content type (from `media_files`) and whether its bytes are kept.
        package var contentType: String?
        package var hasOriginal: Bool
        package var hasThumbnail: Bool
        /// The entry name of the original (`media/<doc>.1.jpg`), for its extension.
        package var archiveEntry: String?
    }

    /// A call event: its state and its longest participant's duration.
    package struct Call: Sendable, Equatable {
        package var state: String?
        package var seconds: Double?
        package var participants: [String]?
    }

    /// The name to show for the sender: the display name, else the id without its `8:` prefix.
    package var senderLabel: String {
        if let senderName, !senderName.isEmpty { return senderName }
        return ArchiveMessage.readableID(senderID ?? "")
    }

    /// An MRI as a person reads it: `8:live:ann` is `live:ann`.
    package static func readableID(_ id: String) -> String {
        id.utf8.starts(with: "8:".utf8) ? String(decoding: id.utf8.dropFirst(2), as: UTF8.self) : id
    }
}

/// One load, as `load_runs` records it.
package struct LoadRun: Sendable, Equatable {
    package var id: Int
    package var startedAt: String
    package var finishedAt: String?
    package var status: String
    package var exportPath: String?
    package var exportUser: String?
    package var exportDate: String?
    package var workers: Int?
    package var toolVersion: String?
    package var rowsInserted: Int?
    package var rowsReplaced: Int?
    package var rejected: Int?
}
