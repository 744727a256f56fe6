/// How a stored file may be shown. Only images, audio and video are shown in the page (never
/// SVG, which can hold script); everything else is a download, so that an HTML or SVG file
/// from the archive never renders in the viewer's origin.
package enum MediaKind: Equatable, Sendable {
    case image, video, audio, download

    /// The kind for a content type (from the media metadata) or, without one, the entry's extension.
    package init(contentType: String?, fileName: String?) {
        let type = (contentType ?? "").lowercased()
        if !type.isEmpty, let kind = Self.kind(ofType: type) {
            self = kind
            return
        }
        self = Self.inferredType(fileName: fileName).flatMap(Self.kind(ofType:)) ?? .download
    }

    private static func kind(ofType type: String) -> MediaKind? {
        if type.contains("svg") || type.contains("xml") || type.contains("html") { return .download }
        if type.hasPrefix("image/") { return .image }
        if type.hasPrefix("video/") { return .video }
        if type.hasPrefix("audio/") { return .audio }
        return nil
    }

    /// The content type a file's extension stands for, among those a browser may show.
    package static func inferredType(fileName: String?) -> String? {
        guard let name = fileName?.lowercased(), let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...] {
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "bmp": return "image/bmp"
        case "heic": return "image/heic"
        case "mp4", "m4v": return "video/mp4"
        case "webm": return "video/webm"
        case "mov": return "video/quicktime"
        case "mp3": return "audio/mpeg"
        case "m4a": return "audio/mp4"
        case "ogg", "oga": return "audio/ogg"
        case "wav": return "audio/wav"
        case "amr": return "audio/amr"
        default: return nil
        }
    }

    /// The content type to send: the stored one for what the page shows, else a download's.
    package static func responseType(contentType: String?, fileName: String?) -> String {
        let kind = MediaKind(contentType: contentType, fileName: fileName)
        guard kind != .download else { return "application/octet-stream" }
        let stored = (contentType ?? "").lowercased()
        if MediaKind(contentType: stored, fileName: nil) == kind, stored.utf8.count < 100,
           stored.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }) {
            return stored
        }
        return inferredType(fileName: fileName) ?? "application/octet-stream"
    }
}
