import Foundation

/// Reads newline-terminated lines from a file descriptor with a length cap: a longer line is reported as
/// `.tooLong` and the rest of it is discarded, so a hostile peer cannot make the reader hold unbounded memory.
/// Blocking; one reader per descriptor, used from one thread.
public final class LineReader {
    public enum Item: Equatable {
        case line(Data)
        /// A line longer than the cap, dropped whole; the count is its length in bytes (without the newline).
        case tooLong(Int)
    }

    private let descriptor: Int32
    private let limit: Int
    private var pending: [UInt8] = []
    private var start = 0
    private var discarding = false
    private var discarded = 0
    private var atEnd = false
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    public init(descriptor: Int32, limit: Int = ProtocolCodec.maximumLineBytes) {
        self.descriptor = descriptor
        self.limit = limit
    }

    /// The next line, or nil at end of file (or a read error, which ends the stream the same way).
    public func next() -> Item? {
        var scanned = start
        while true {
            if let newline = pending[scanned...].firstIndex(of: 0x0A) {
                let line = Data(pending[start..<newline])
                start = newline + 1
                compact()
                if discarding || line.count > limit {
                    discarding = false
                    let length = discarded + line.count
                    discarded = 0
                    return .tooLong(length)
                }
                return .line(line)
            }
            if pending.count - start > limit {
                discarding = true
                discarded += pending.count - start
                pending.removeAll(keepingCapacity: true)
                start = 0
            }
            scanned = pending.count
            if atEnd || !fill() {
                atEnd = true
                guard pending.count > start || discarding else { return nil }
                let line = Data(pending[start...])
                pending.removeAll()
                start = 0
                if discarding || line.count > limit {
                    discarding = false
                    return .tooLong(discarded + line.count)
                }
                return .line(line)
            }
        }
    }

    private func fill() -> Bool {
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                pending.append(contentsOf: chunk[0..<count])
                return true
            }
            if count < 0, errno == EINTR { continue }
            return false
        }
    }

    private func compact() {
        if start > 0, start >= pending.count / 2 {
            pending.removeSubrange(0..<start)
            start = 0
        }
    }
}
