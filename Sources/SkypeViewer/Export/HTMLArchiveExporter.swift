import Foundation
import Glibc
import SkypePostgres
import SkypeSupport
import SkypeExport

/// `export-html`: the archive as static pages that open from `file://` with no server:
/// `index.html` (the conversations), each conversation's pages of at most `messagesPerPage`
/// messages under `conversations/<folder>/` with a list of its pages, and the media files
/// under `media/` (named by their SHA-256, written once). The same rendering as `serve`.
///
/// Memory is bounded by one page of messages and one media chunk (plus the conversation's
/// message ids, for quote links). A conversation is complete once its `.complete` mark is
/// written; a rerun skips those whose mark still matches the archive, so a stopped export
/// goes on where it was.
package struct HTMLArchiveExporter {
    package struct Settings: Sendable {
        package var conninfo: String
        package var schema: String = "skype"
        package var outputDirectory: String
        /// Only these conversations (ids); all when empty.
        package var conversations: [String] = []
        package var account: String?
        package var messagesPerPage: Int = 1000
        /// Files' mode; folders get the same read bits with search. Default private (0600/0700).
        package var fileMode: UInt32 = 0o600
        package var mediaDirectory: String?
        package var timeZone: String = "UTC"

        package init(conninfo: String, outputDirectory: String) {
            self.conninfo = conninfo
            self.outputDirectory = outputDirectory
        }
    }

    /// What an export wrote.
    package struct Summary: Sendable, Encodable, Equatable {
        package var conversations = 0
        package var conversationsAlreadyExported = 0
        package var pages = 0
        package var messages = 0
        package var mediaFiles = 0
        package var mediaBytes: Int64 = 0
    }

    /// Progress, for the display: conversations done of all, messages written.
    package struct Progress: Sendable {
        package var conversationsDone: Int
        package var conversations: Int
        package var messages: Int
        package var totalMessages: Int
    }

    package let settings: Settings

    package init(settings: Settings) {
        self.settings = settings
    }

    package func run(progress: (Progress) -> Void = { _ in }) throws -> Summary {
        guard (1...100_000).contains(settings.messagesPerPage) else {
            throw ViewerError(.badRequest, "--messages-per-page must be 1 to 100000")
        }
        do {
            try SchemaName.validate(settings.schema)
        } catch {
            throw ViewerError(.badRequest, error.message, hint: error.hint)
        }
        do {
            return try exportAll(progress: progress)
        } catch let error as LoadError {
            // The output folder's failures (a symlink refused, a full disk) say what and where.
            throw ViewerError(.failed, error.message, hint: error.hint)
        }
    }

    private func exportAll(progress: (Progress) -> Void) throws -> Summary {
        let connection = try ReadOnlySession.open(conninfo: settings.conninfo, applicationName: "skype-parallel-load export-html")
        let reader = ArchiveReader(connection: connection, schema: settings.schema, timeZone: settings.timeZone)
        let folder = OutputFolder(root: settings.outputDirectory, fileMode: settings.fileMode)
        try folder.makeDirectory("conversations")
        try folder.makeDirectory("media")
        try folder.write("style.css", Array(Stylesheet.css.utf8))

        let accounts = try reader.accounts()
        var all: [ConversationSummary] = []
        var after: String?
        repeat {
            let batch = try reader.conversations(account: settings.account, after: after, limit: 1000)
            all += batch
            after = batch.count == 1000 ? batch.last?.cursor : nil
        } while after != nil
        if !settings.conversations.isEmpty {
            let wanted = Set(settings.conversations)
            all = all.filter { wanted.contains($0.id) }
            let missing = wanted.subtracting(all.map(\.id))
            if let first = missing.sorted().first {
                throw ViewerError(.notFound, "the archive has no conversation \(first)", hint: "The ids are on the conversation list (serve's /) or in conversations.id")
            }
        }
        var summary = Summary()
        var state = Progress(conversationsDone: 0, conversations: all.count, messages: 0,
                             totalMessages: all.reduce(0) { $0 + $1.messageCount })
        progress(state)
        for conversation in all {
            try export(conversation, reader: reader, folder: folder, summary: &summary)
            state.conversationsDone += 1
            state.messages += conversation.messageCount
            progress(state)
        }
        let index = ConversationListPage(accounts: accounts, conversations: all) { conversation in
            .local("conversations/" + Self.folderName(conversation) + "/index.html")
        }
        try folder.write("index.html", index.render(in: PageLayout(links: ExportIndexLinks(), isServed: false)).utf8)
        return summary
    }

    /// A conversation's folder: a digest of its account and id (ids hold `/`, `:` and `#`).
    static func folderName(_ conversation: ConversationSummary) -> String {
        let hasher = SHA256()
        Array((conversation.account + "\u{0}" + conversation.id).utf8).withUnsafeBytes { hasher.update($0) }
        return String(SHA256.hex(hasher.finish()).prefix(20))
    }

    private func export(_ conversation: ConversationSummary, reader: ArchiveReader, folder: OutputFolder, summary: inout Summary) throws {
        let directory = "conversations/" + Self.folderName(conversation)
        let mark = "\(conversation.messageCount) \(conversation.lastMessageAt ?? "-") \(settings.messagesPerPage) \(settings.timeZone)\n"
        if folder.read(directory + "/.complete") == mark {
            summary.conversationsAlreadyExported += 1
            return
        }
        try folder.makeDirectory(directory)
        var links = ExportLinks(pageFile: ExportLinks.pageFile(1), conversationID: conversation.id)
        var pages: [(file: String, first: String, last: String, count: Int)] = []
        var page = try reader.messages(account: conversation.account, conversation: conversation.id, window: .oldest,
                                       limit: settings.messagesPerPage)
        while !page.messages.isEmpty {
            let number = pages.count + 1
            links.pageFile = ExportLinks.pageFile(number)
            for message in page.messages where links.messagePages[message.messageID] == nil {
                links.messagePages[message.messageID] = (links.pageFile, message.fingerprint)
            }
            links.mediaFiles = try writeMedia(page.messages, reader: reader, folder: folder, summary: &summary)
            let next: MessagePage? = page.hasNewer
                ? try reader.messages(account: conversation.account, conversation: conversation.id,
                                      window: .after(page.messages[page.messages.count - 1].cursor), limit: settings.messagesPerPage)
                : nil
            var navigation = ConversationPage.Navigation(pages: .local("index.html"), dateForm: false)
            if number > 1 {
                navigation.oldest = .local(ExportLinks.pageFile(1))
                navigation.older = .local(ExportLinks.pageFile(number - 1))
            }
            if next?.messages.isEmpty == false { navigation.newer = .local(ExportLinks.pageFile(number + 1)) }
            let view = ConversationPage(conversation: conversation, messages: page.messages, navigation: navigation)
            let html = view.render(in: PageLayout(links: links, isServed: false))
            try folder.write(directory + "/" + links.pageFile, html.utf8)
            pages.append((links.pageFile, page.messages[0].localTime, page.messages[page.messages.count - 1].localTime, page.messages.count))
            summary.pages += 1
            summary.messages += page.messages.count
            guard let next else { break }
            page = next
        }
        try folder.write(directory + "/index.html", pageList(conversation, pages).utf8)
        try folder.write(directory + "/.complete", Array(mark.utf8))
        summary.conversations += 1
    }

    private func pageList(_ conversation: ConversationSummary, _ pages: [(file: String, first: String, last: String, count: Int)]) -> HTML {
        let links = ExportLinks(pageFile: "index.html", conversationID: conversation.id)
        return PageLayout(links: links, isServed: false).page(title: conversation.title) { html in
            html.element("h1", [.title(conversation.id)], text: conversation.title)
            html.element("p", [.class("quiet")], text: "\(conversation.messageCount) messages in \(pages.count) pages")
            if let last = pages.last { html.element("p", [.class("pager")]) { $0.element("a", [.href(.local(last.file))], text: "Newest messages »") } }
            html.element("ol", [.class("pages")]) { html in
                for page in pages {
                    html.element("li") { html in
                        html.element("a", [.href(.local(page.file))], text: "\(page.first) to \(page.last)")
                        html.element("span", [.class("quiet")], text: " (\(page.count) messages)")
                    }
                }
            }
        }
    }

    /// Writes the stored media of a page's attachments (each content once, by its SHA-256) and
    /// returns their files by `docID/variant`.
    private func writeMedia(_ messages: [ArchiveMessage], reader: ArchiveReader, folder: OutputFolder,
                            summary: inout Summary) throws -> [String: String] {
        var files: [String: String] = [:]
        for (account, attachment) in messages.flatMap({ message in message.attachments.map { (message.account, $0) } }) {
            guard let doc = attachment.docID else { continue }
            for (variant, present) in [("original", attachment.hasOriginal), ("thumbnail", attachment.hasThumbnail)] where present {
                guard files[doc + "/" + variant] == nil,
                      let media = try reader.media(account: account, docID: doc, variant: variant) else { continue }
                let type = MediaKind.responseType(contentType: media.contentType, fileName: media.fileName ?? media.archiveEntry)
                let file = SHA256.hex(media.sha256) + Self.fileExtension(media, type: type)
                if !folder.hasFile("media/" + file, size: media.sizeBytes) {
                    try folder.write("media/" + file) { descriptor in try copy(media, reader: reader, to: descriptor) }
                    summary.mediaFiles += 1
                    summary.mediaBytes += media.sizeBytes
                }
                files[doc + "/" + variant] = file
            }
        }
        return files
    }

    /// The file's extension: what its type shows as, so a browser opening the file locally
    /// shows an image as an image and saves anything else (`.bin`), never runs it.
    static func fileExtension(_ media: StoredMedia, type: String) -> String {
        switch type {
        case "image/jpeg": ".jpg"
        case "image/png": ".png"
        case "image/gif": ".gif"
        case "image/webp": ".webp"
        case "image/bmp": ".bmp"
        case "image/heic": ".heic"
        case "video/mp4": ".mp4"
        case "video/webm": ".webm"
        case "video/quicktime": ".mov"
        case "audio/mpeg": ".mp3"
        case "audio/mp4": ".m4a"
        case "audio/ogg": ".ogg"
        case "audio/wav": ".wav"
        case "audio/amr": ".amr"
        default: ".bin"
        }
    }

    private func copy(_ media: StoredMedia, reader: ArchiveReader, to descriptor: Int32) throws {
        switch media.location {
        case .chunks(let digests):
            for digest in digests {
                guard let bytes = try reader.chunk(digest) else {
                    throw ViewerError(.failed, "a chunk of \(media.archiveEntry) is missing from media_chunks",
                                      hint: "Load the export again to store it")
                }
                try OutputFolder.writeAll(descriptor, bytes, name: media.archiveEntry)
            }
        case .folder(let relative):
            guard let mediaDirectory = settings.mediaDirectory else {
                throw ViewerError(.badRequest, "the media files were stored in a folder (\(relative))",
                                  hint: "Pass --media-dir with the folder the load wrote to")
            }
            let path = try ViewerApplication.contentPath(relative, in: mediaDirectory)
            let source = try ViewerApplication.openContentFile(path, name: relative)
            defer { Glibc.close(source) }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { throw ViewerError(.failed, "cannot read \(path): \(String(cString: strerror(errno)))") }
                if count == 0 { break }
                try OutputFolder.writeAll(descriptor, Array(buffer[0..<count]), name: media.archiveEntry)
            }
        }
    }
}
