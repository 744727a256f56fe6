/// Why a message could not be loaded as it is.
public enum RejectReason: String, Error, Sendable, Codable, CaseIterable {
    /// The message's bytes are not valid JSON.
    case invalidJSON = "invalid_json"
    /// The MessageList element is not an object.
    case notAnObject = "not_an_object"
    /// `originalarrivaltime` is missing or unreadable; a message is never given a made-up time.
    case unreadableTimestamp = "unreadable_timestamp"
    /// The conversation's own keys are not valid JSON: it loads under its id alone.
    case invalidConversationHeader = "invalid_conversation_header"
    /// An id or another indexed value is too long for a B-tree index (``ServerLimits``).
    case keyTooLong = "key_too_long"
    /// A number in `properties` or `amsreferences` beyond what `jsonb` (PostgreSQL's `numeric`)
    /// can hold, such as `1e200000`.
    case numberOutOfRange = "number_out_of_range"
    /// The readable text has more distinct words than a `tsvector` holds (1 MiB of them): the
    /// full-text index could not take it.
    case textTooLongToIndex = "text_too_long_to_index"
    /// The message is larger than `--max-value-bytes`; the splitter stepped over it.
    case valueTooLarge = "value_too_large"
    /// The server refused the message's row for a reason this tool did not foresee; the reject
    /// line says what the server said.
    case serverRefused = "server_refused"
}

/// A message the server refused when its shard was loaded, set aside when the shard is tried
/// again without it.
public struct ServerRefusal: Sendable, Equatable {
    package var reason: RejectReason
    /// What the server said.
    package var detail: String

    package init(reason: RejectReason, detail: String) {
        self.reason = reason
        self.detail = detail
    }
}
