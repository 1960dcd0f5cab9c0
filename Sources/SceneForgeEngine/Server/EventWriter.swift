import Foundation

/// Writes whole event lines to a file descriptor from any thread; lines never interleave.
final class EventWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private let encoder = ProtocolCodec.makeEncoder()
    private(set) var peerGone = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func send(_ event: EngineEvent) {
        lock.lock()
        defer { lock.unlock() }
        guard !peerGone else { return }
        let line: Data
        do {
            line = try ProtocolCodec.encodeLine(event, encoder: encoder)
        } catch {
            EngineLog.write("cannot encode a \(event.type) event: \(error)")
            return
        }
        line.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 {
                    // The client closed its end (EPIPE with SIGPIPE ignored): nobody is listening any more.
                    peerGone = true
                    return
                }
                offset += written
            }
        }
    }
}

/// The engine's log: stderr, one line per message, since stdout carries the protocol.
public enum EngineLog {
    private static let lock = NSLock()
    public static func write(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data("sceneforge engine: \(message)\n".utf8))
    }
}
