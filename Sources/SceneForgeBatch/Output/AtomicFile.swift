import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct OutputError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Whole-or-nothing file writes: the bytes go to a temporary name in the same folder, are flushed
/// to disk, then renamed over the final name (rename is atomic on POSIX file systems). A process
/// killed at any moment leaves either the old file, the new file, or a stray temporary file that
/// `OutputFolder` removes on the next start; never half a file under the final name.
public enum AtomicFile {
    public static let temporarySuffix = ".partial"

    /// The temporary name used for `url`: hidden, in the same folder, ending in `.partial`.
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent)\(temporarySuffix)")
    }

    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let temporary = temporaryURL(for: url)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError("\(temporary.path): cannot create: \(String(cString: strerror(errno)))") }
        var written = 0
        let status: Int32 = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return fsync(fd) == 0 ? 0 : errno
        }
        close(fd)
        guard status == 0 else {
            unlink(temporary.path)
            throw OutputError("\(url.path): cannot write: \(String(cString: strerror(status)))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw OutputError("\(url.path): cannot move the finished file into place: \(reason)")
        }
        syncFolder(url.deletingLastPathComponent())
    }

    /// Makes the rename itself durable (a power cut after this keeps the new name).
    private static func syncFolder(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
