import Foundation

/// Writes whole event lines to a file descriptor, in the order they were sent, from any thread.
///
/// Encoding and writing happen on the writer's own serial queue, so a job's worker thread only hands events over:
/// a step never waits for JSON encoding, a preview's projection, a memory reading or a slow reader on the pipe.
final class EventWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "sceneforge.engine.events")
    private let encoder = ProtocolCodec.makeEncoder()
    private let stateLock = NSLock()
    private var gone = false
    /// Events handed over but not yet written. A client that stops reading fills the pipe; senders then wait here,
    /// as they did on the pipe itself, instead of queueing previews (each holding its latents) without bound.
    private let room = DispatchSemaphore(value: 64)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// True once the client has closed its end of the pipe.
    var peerGone: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return gone
    }

    func send(_ event: EngineEvent) {
        send { event }
    }

    /// `make` runs on the writer's queue, in order with every other event; nil sends nothing.
    func send(_ make: @escaping () -> EngineEvent?) {
        send([make])
    }

    /// Several events handed over at once (a step's step, preview and memory): one wake-up of the writer, not three.
    func send(_ makers: [() -> EngineEvent?]) {
        room.wait()
        queue.async { [self] in
            for make in makers {
                if let event = make() { write(event) }
            }
            room.signal()
        }
    }

    /// Returns once every event sent before the call is written (or the client is gone).
    func flush() {
        queue.sync {}
    }

    private func write(_ event: EngineEvent) {
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
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 {
                    // The client closed its end (EPIPE with SIGPIPE ignored): nobody is listening any more.
                    stateLock.lock()
                    gone = true
                    stateLock.unlock()
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
