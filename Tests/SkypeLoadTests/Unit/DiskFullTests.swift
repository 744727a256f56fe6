import Foundation
@testable import SkypeExport
@testable import SkypePostgres
@testable import SkypeReport
@testable import SkypeSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A full disk, on the loader's side (the reject file, the metrics files) and on the server's
/// (SQLSTATE 53100): a clear error saying what, where and what to do, and nothing half-written.
@Suite struct DiskFullTests {
    typealias Failure = PostgresConnection.Failure

    static func record(_ index: Int) -> RejectRecord {
        RejectRecord(export: "export.tar.zst", offset: Int64(index) * 1000, length: 900, conversation: "8:someone",
                     messageIndex: index, reason: "value_too_large", raw: String(repeating: "x", count: 150),
                     detail: "larger than --max-value-bytes 512")
    }

    /// `/dev/full` fails every write with ENOSPC. Before, the reject file's error was Foundation's
    /// `Error Domain=NSCocoaErrorDomain Code=640 "There isn't enough space."`, with no path.
    @Test func aWriteToAFullDeviceSaysWhichFileAndWhatToDo() throws {
        let handle = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        #expect(throws: LoadError.self) { try PrivateFile.append(Array("line\n".utf8), to: handle, path: "/dev/full", purpose: "reject file") }
        do {
            try PrivateFile.append(Array("line\n".utf8), to: handle, path: "/dev/full", purpose: "reject file")
        } catch {
            #expect(error.description.hasPrefix("cannot write the reject file /dev/full: No space left on device. Its filesystem is full"),
                    "\(error)")
        }
    }

    /// A filesystem of 8 KiB, mounted for the test (root only, as CI and scripts/test run).
    final class SmallFilesystem {
        let directory: ScratchDirectory
        var path: String { directory.url.path }

        init(kilobytes: Int) throws {
            directory = try ScratchDirectory()
            let mounted = try Shell.run("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", directory.url.path])
            guard mounted.status == 0 else { throw TestFailure("cannot mount a tmpfs: \(mounted.stderr)") }
        }

        func resize(kilobytes: Int) throws {
            try Shell.run("mount", ["-o", "remount,size=\(kilobytes)k", directory.url.path])
        }

        deinit { _ = try? Shell.run("umount", [directory.url.path]) }
    }

    /// Before, the line being written when the disk filled was left cut off, and the rerun's
    /// first line was appended to it: a reject file with a line that is not JSON.
    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs: needs root"))
    func aRejectFileOnAFullDiskKeepsWholeLinesOnlyAndTheRerunAppendsAfterThem() throws {
        let disk = try SmallFilesystem(kilobytes: 8)
        let path = disk.path + "/rejects.jsonl"
        let log = RejectLog(path: path)
        var failure: LoadError?
        for index in 0..<200 {
            do { try log.write(Self.record(index)) } catch { failure = error; break }
        }
        let error = try #require(failure)
        #expect(error.description.contains("cannot write the reject file \(path): No space left on device"), "\(error)")
        #expect(error.description.contains("rerun the same command: it writes every reject again"), "\(error)")
        let lines = try String(contentsOfFile: path, encoding: .utf8)
        #expect(lines.hasSuffix("\n"))
        #expect(lines.split(separator: "\n").count == log.written)

        // Space back: the rerun's lines follow whole lines.
        try disk.resize(kilobytes: 256)
        let again = RejectLog(path: path)
        for index in 0..<5 { try again.write(Self.record(index)) }
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    /// Before, a metrics file was emptied first and then not written: monitoring read an empty
    /// report. Now a file that cannot be replaced keeps the last one, and no temporary is left.
    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs: needs root"))
    func aMetricsFileThatCannotBeWrittenKeepsWhatItHeld() throws {
        let disk = try SmallFilesystem(kilobytes: 8)
        let path = disk.path + "/metrics.json"
        try PrivateFile.write(Array(#"{"run":1}"#.utf8), to: path, purpose: "metrics file")
        let large = [UInt8](repeating: 0x20, count: 64 << 10)
        #expect(throws: LoadError.self) { try PrivateFile.write(large, to: path, purpose: "metrics file") }
        do {
            try PrivateFile.write(large, to: path, purpose: "metrics file")
        } catch {
            #expect(error.description.hasPrefix("cannot write the metrics file \(path): No space left on device"), "\(error)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == #"{"run":1}"#)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == ["metrics.json"])
    }

    /// PostgreSQL's PANIC on a full write-ahead log (53100) ends every connection, so the
    /// failure came with a broken connection, and a broken connection meant "retry": the load
    /// waited --retry-timeout (300 s) for a server that cannot start until space is freed.
    @Test func aFullDiskIsNeverRetriedEvenWhenTheServerCrashedOnIt() {
        let panic = Failure(sqlState: "53100", message: "PANIC:  could not write to log file 000000010000000000000002 at offset 7217152, length 90112: No space left on device")
        #expect(!RetryPolicy.isTransient(panic, connectionHealthy: false))
        let table = Failure(sqlState: "53100", message: #"ERROR:  could not extend file "base/5/17113": No space left on device"#)
        #expect(!RetryPolicy.isTransient(table, connectionHealthy: true))
        // A lost connection without it is still retried.
        #expect(RetryPolicy.isTransient(Failure(sqlState: nil, message: "server closed the connection unexpectedly"), connectionHealthy: false))
    }

    @Test func theHintNamesWhereTheServerRanOutOfSpace() {
        let tablespace = Failure(sqlState: "53100", message: #"ERROR:  could not extend file "pg_tblspc/17065/PG_15_202209061/5/17113": No space left on device; HINT:  Check free disk space."#)
        #expect(tablespace.diskFullPlace == .tablespace(oid: "17065"))
        let named = tablespace.diskFullHint { $0 == "17065" ? "small (/mnt/small)" : nil } ?? ""
        #expect(named.hasPrefix("The database server ran out of disk space in tablespace small (/mnt/small): free space there"), "\(named)")
        #expect(named.hasSuffix("then rerun the same command; committed shards are kept"))
        #expect(tablespace.diskFullHint()?.contains("tablespace with OID 17065") == true)

        let base = Failure(sqlState: "53100", message: #"ERROR:  could not extend file "base/5/17557": No space left on device"#)
        #expect(base.diskFullPlace == .dataDirectory)
        #expect(base.diskFullHint()?.contains("in its data directory") == true)

        let wal = Failure(sqlState: "53100", message: "PANIC:  could not write to log file 000000010000000000000002 at offset 8384512, length 4096: No space left on device")
        #expect(wal.diskFullPlace == .writeAheadLog)
        #expect(wal.diskFullHint()?.contains("start the server again if it stopped") == true)

        #expect(Failure(sqlState: "23505", message: "duplicate key").diskFullHint() == nil)
    }
}
