import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension MediaFolder {
    /// Removes the partial files a load killed while writing (SIGKILL, a crash, a power cut)
    /// left in `.incoming`: those no live writer holds locked. Only names this type makes
    /// (`PID-UUID`), only regular files, and only through a descriptor of `.incoming` opened
    /// without following a symlink, so that a planted link cannot aim the removal elsewhere.
    static func removeAbandonedFiles(_ root: String) {
        let folder = open(root + "/.incoming", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return }
        defer { close(folder) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd/\(folder)")) ?? []
        for name in names where isIncomingName(name) {
            let file = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard file >= 0 else { continue }
            defer { close(file) }
            var status = stat()
            guard fstat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
                  flock(file, LOCK_EX | LOCK_NB) == 0 else { continue }
            var named = stat()
            guard fstatat(folder, name, &named, AT_SYMLINK_NOFOLLOW) == 0,
                  named.st_dev == status.st_dev, named.st_ino == status.st_ino else { continue }
            unlinkat(folder, name, 0)
        }
    }

    /// `PID-UUID`, as ``begin()`` names its files.
    static func isIncomingName(_ name: String) -> Bool {
        guard let dash = name.firstIndex(of: "-") else { return false }
        let pid = name[..<dash]
        return !pid.isEmpty && pid.allSatisfy(\.isASCII) && pid.allSatisfy(\.isNumber)
            && UUID(uuidString: String(name[name.index(after: dash)...])) != nil
    }

    /// Whether `path` still names the file open at `descriptor`.
    static func isSameFile(_ descriptor: Int32, _ path: String) -> Bool {
        var open = stat()
        var named = stat()
        return fstat(descriptor, &open) == 0 && lstat(path, &named) == 0
            && open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }
}
