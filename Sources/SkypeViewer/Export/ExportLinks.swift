/// The links of an exported page: relative files, so the archive opens from `file://` and can
/// be moved as a folder. A page is `conversations/<folder>/page-NNNN.html`.
struct ExportLinks: ArchiveLinks {
    /// This page's file name within its conversation's folder.
    var pageFile: String
    /// Where the conversation's messages went so far: id to page file and fingerprint (for quotes).
    var messagePages: [String: (page: String, fingerprint: Int64)] = [:]
    /// The media files written for this page's attachments, by `docID/variant`: paths under `media/`.
    var mediaFiles: [String: String] = [:]
    var conversationID: String

    var home: SafeURL { .local("../../index.html") }
    var stylesheet: SafeURL { .local("../../style.css") }

    func conversation(account: String, id: String, window: MessageWindow) -> SafeURL {
        .local("index.html")
    }

    func permalink(_ message: ArchiveMessage) -> SafeURL {
        .local(pageFile, fragment: MessageRenderer.anchor(message))
    }

    func quoted(account: String, conversation: String, messageID: String) -> SafeURL? {
        guard conversation == conversationID, let target = messagePages[messageID] else { return nil }
        return .local(target.page, fragment: "m\(target.fingerprint)")
    }

    func media(account: String, attachment: ArchiveMessage.Attachment, variant: String) -> SafeURL? {
        guard let doc = attachment.docID, let file = mediaFiles[doc + "/" + variant] else { return nil }
        return .local("../../media/" + file)
    }

    static func pageFile(_ number: Int) -> String {
        let digits = String(number)
        return "page-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".html"
    }
}

/// The links of the archive's own index page, at its root.
struct ExportIndexLinks: ArchiveLinks {
    var home: SafeURL { .local("index.html") }
    var stylesheet: SafeURL { .local("style.css") }
    func conversation(account: String, id: String, window: MessageWindow) -> SafeURL { .local("index.html") }
    func permalink(_ message: ArchiveMessage) -> SafeURL { .local("index.html") }
    func quoted(account: String, conversation: String, messageID: String) -> SafeURL? { nil }
    func media(account: String, attachment: ArchiveMessage.Attachment, variant: String) -> SafeURL? { nil }
}
