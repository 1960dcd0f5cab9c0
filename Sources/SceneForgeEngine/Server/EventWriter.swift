import Foundation

/// Writes whole event lines to a file descriptor, in the order they were sent, from any thread.
///
/// Encoding and writing happen on the writer's own thread, so a job's worker only hands events over: a step never
/// waits for JSON encoding, a preview's projection, a memory reading or a slow reader on the pipe. The thread runs at a
/// lower priority (nice 10): on a machine whose cores the model's thread pool fills, it takes the idle moments between
/// parallel regions instead of pre-empting a pool thread, which would stall the whole region at its barrier.
///
/// Writes are coalesced: after a write the writer takes the next events no sooner than `interval` later (one frame of
/// a 60 Hz display by default), and senders do not wake it in between. A fast job's steps then cost one wake-up of the
/// writer and of the client per interval instead of one per step; the first event after a quiet spell goes out at once.
/// `flush`, and a sender held back by the bound, cut the pause short.
final class EventWriter: @unchecked Sendable {
    private typealias Batch = [() -> EngineEvent?]
    private let descriptor: Int32
    private let encoder = ProtocolCodec.makeEncoder()
    private let condition = NSCondition()
    private var waiting: [Batch] = []
    private var handedOver = 0
    private var finished = 0
    private var gone = false
    /// The writer is waiting for events (not pausing between writes): only then does a sender wake it.
    private var idle = false
    /// Someone waits for what is handed over to be written: the writer skips its pause.
    private var drainNow = false
    private let interval: TimeInterval
    /// Batches handed over but not yet written. A client that stops reading fills the pipe; senders then wait here,
    /// as they did on the pipe itself, instead of queueing previews (each holding its latents) without bound.
    private static let capacity = 64

    init(descriptor: Int32, interval: TimeInterval = 1.0 / 60) {
        self.descriptor = descriptor
        self.interval = interval
        let thread = Thread { [self] in
            // On Linux the nice value is per thread, and 0 names the calling thread (setpriority(2), "Bugs").
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            writeForever()
        }
        thread.name = "engine-events"
        thread.start()
    }

    /// True once the client has closed its end of the pipe.
    var peerGone: Bool {
        condition.lock()
        defer { condition.unlock() }
        return gone
    }

    func send(_ event: EngineEvent) {
        send { event }
    }

    /// `make` runs on the writer's thread, in order with every other event; nil sends nothing.
    func send(_ make: @escaping () -> EngineEvent?) {
        send([make])
    }

    /// Several events handed over at once (a step's step, preview and memory), written together in order. The writer
    /// is woken only when it is idle; while it pauses between writes, the events wait for its next write.
    func send(_ makers: [() -> EngineEvent?]) {
        condition.lock()
        defer { condition.unlock() }
        while handedOver - finished >= Self.capacity, !gone {
            drainNow = true
            condition.broadcast()
            condition.wait()
        }
        guard !gone else { return }
        waiting.append(makers)
        handedOver += 1
        if idle { condition.broadcast() }
    }

    /// Returns once every event sent before the call is written (or the client is gone).
    func flush() {
        condition.lock()
        defer { condition.unlock() }
        let target = handedOver
        while finished < target, !gone {
            drainNow = true
            condition.broadcast()
            condition.wait()
        }
    }

    private func writeForever() {
        while true {
            condition.lock()
            idle = true
            while waiting.isEmpty { condition.wait() }
            idle = false
            drainNow = false
            let batches = waiting
            waiting.removeAll(keepingCapacity: true)
            condition.unlock()

            var lines = Data()
            for make in batches.joined() {
                guard let event = make() else { continue }
                do {
                    lines.append(try ProtocolCodec.encodeLine(event, encoder: encoder))
                } catch {
                    EngineLog.write("cannot encode a \(event.type) event: \(error)")
                }
            }
            let delivered = write(lines)
            condition.lock()
            finished += batches.count
            if !delivered { gone = true }
            condition.broadcast()
            let pauseEnds = Date(timeIntervalSinceNow: interval)
            while !drainNow, !gone, Date() < pauseEnds { _ = condition.wait(until: pauseEnds) }
            condition.unlock()
        }
    }

    /// False when the client closed its end (EPIPE with SIGPIPE ignored): nobody is listening any more.
    private func write(_ lines: Data) -> Bool {
        lines.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            return true
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
