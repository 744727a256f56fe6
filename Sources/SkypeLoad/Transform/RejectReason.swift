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
}
