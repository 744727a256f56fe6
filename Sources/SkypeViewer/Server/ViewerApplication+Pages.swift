import Foundation

extension ViewerApplication {
    func conversationList(_ request: ViewerRequest) async throws -> ViewerResponse {
        let filter = String((request.parameter("filter") ?? "").prefix(200))
        let account = request.query["account"]
        let after = request.parameter("after")
        let limit = configuration.conversationsPerPage
        let (accounts, conversations) = try await read { reader in
            (try reader.accounts(), try reader.conversations(account: account, filter: filter, after: after, limit: limit + 1))
        }
        let links = ServerLinks()
        var page = ConversationListPage(accounts: accounts, conversations: Array(conversations.prefix(limit))) { conversation in
            links.conversation(account: conversation.account, id: conversation.id, window: .newest)
        }
        page.filter = filter
        page.account = account
        if conversations.count > limit { page.nextCursor = conversations[limit - 1].cursor }
        return .page(page.render(in: layout))
    }

    func conversation(_ request: ViewerRequest) async throws -> ViewerResponse {
        guard let id = request.parameter("id") else { throw ViewerError(.badRequest, "the conversation's id is missing") }
        let account = request.query["account"] ?? ""
        let window = try Self.window(request)
        let limit = configuration.pageSize
        let (summary, page) = try await read { reader -> (ConversationSummary?, MessagePage?) in
            guard let summary = try reader.conversation(account: account, id: id) else { return (nil, nil) }
            return (summary, try reader.messages(account: account, conversation: id, window: window, limit: limit))
        }
        guard let summary, let page else {
            throw ViewerError(.notFound, "the archive has no conversation \(id.prefix(200)) for this account")
        }
        let links = ServerLinks()
        var navigation = ConversationPage.Navigation(dateForm: true)
        if page.hasOlder, let first = page.messages.first {
            navigation.oldest = links.conversation(account: account, id: id, window: .oldest)
            navigation.older = links.conversation(account: account, id: id, window: .before(first.cursor))
        }
        if page.hasNewer, let last = page.messages.last {
            navigation.newer = links.conversation(account: account, id: id, window: .after(last.cursor))
            navigation.newest = links.conversation(account: account, id: id, window: .newest)
        }
        var view = ConversationPage(conversation: summary, messages: page.messages, navigation: navigation)
        if case .around(let cursor) = window { view.marked = cursor }
        if case .from(let date) = window { view.date = date }
        return .page(view.render(in: layout))
    }

    /// The window a conversation request asks for; a malformed cursor or date is a bad request.
    static func window(_ request: ViewerRequest) throws -> MessageWindow {
        func cursor(_ name: String) throws -> MessageCursor? {
            guard let token = request.parameter(name) else { return nil }
            guard let cursor = MessageCursor(token: token) else { throw ViewerError(.badRequest, "the \(name) position is malformed") }
            return cursor
        }
        if let around = try cursor("around") { return .around(around) }
        if let after = try cursor("after") { return .after(after) }
        if let before = try cursor("before") { return .before(before) }
        if let date = request.parameter("date") {
            guard LocalDate.isValid(date) else { throw ViewerError(.badRequest, "the date must look like 2012-03-04") }
            return .from(date: date)
        }
        if request.parameter("oldest") != nil { return .oldest }
        return .newest
    }

    /// `/message`: the page around one message (a permalink or a quote's link), by redirect,
    /// so the address bar holds the conversation page's own URL.
    func permalink(_ request: ViewerRequest) async throws -> ViewerResponse {
        guard let conversation = request.parameter("conversation"), let id = request.parameter("id") else {
            throw ViewerError(.badRequest, "a message link needs its conversation and id")
        }
        let account = request.query["account"] ?? ""
        let fingerprintText = request.parameter("fp")
        let fingerprint = fingerprintText.flatMap { Int64($0) }
        if fingerprintText != nil && fingerprint == nil {
            throw ViewerError(.badRequest, "the message's fingerprint is not a number")
        }
        let found = try await read { reader in
            try reader.cursor(account: account, conversation: conversation, messageID: id, fingerprint: fingerprint)
        }
        guard let found else { throw ViewerError(.notFound, "the archive has no message \(id.prefix(100)) in this conversation") }
        return .redirect(ServerLinks().conversation(account: account, id: conversation, window: .around(found)))
    }

    func search(_ request: ViewerRequest) async throws -> ViewerResponse {
        var search = SearchRequest(query: request.query["q"] ?? "")
        search.conversation = request.parameter("conversation")
        search.sender = request.parameter("from")
        search.account = request.parameter("account")
        search.since = request.parameter("since")
        search.until = request.parameter("until")
        search.order = request.parameter("order").flatMap(SearchRequest.Order.init(rawValue:)) ?? .newest
        search.limit = 50
        if let before = request.parameter("before") {
            guard let cursor = MessageCursor(token: before) else { throw ViewerError(.badRequest, "the before position is malformed") }
            search.before = cursor
        }
        let accounts = try await read { reader in try reader.accounts() }
        if search.query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            search.query = ""
            return .page(SearchPage(request: search, hits: [], accounts: accounts).render(in: layout))
        }
        let validated: SearchRequest
        do {
            validated = try search.validated()
        } catch {
            return .page(SearchPage(request: search, hits: [], accounts: accounts, problem: error).render(in: layout), status: 400)
        }
        let hits = try await read { reader in try reader.search(validated) }
        return .page(SearchPage(request: validated, hits: hits, accounts: accounts).render(in: layout))
    }
}
