/// Where a rendered page's links go: the server's URLs for `serve`, relative files for
/// `export-html`. The renderers take one, so both show the same page.
package protocol ArchiveLinks: Sendable {
    /// The conversation list.
    var home: SafeURL { get }
    var stylesheet: SafeURL { get }
    /// A conversation, at a window of its messages.
    func conversation(account: String, id: String, window: MessageWindow) -> SafeURL
    /// The page that shows a message, the message marked.
    func permalink(_ message: ArchiveMessage) -> SafeURL
    /// A quoted message, by its id; nil when it cannot be linked (not in the archive or export).
    func quoted(account: String, conversation: String, messageID: String) -> SafeURL?
    /// A stored media file (`original` or `thumbnail`); nil when its bytes are not at hand.
    func media(account: String, attachment: ArchiveMessage.Attachment, variant: String) -> SafeURL?
}
