import Foundation

/// Hands work from background tasks to the UI loop: `post` queues a message and writes a byte to a
/// pipe the loop polls together with the keyboard, so the loop sleeps until something happens.
final class Inbox: @unchecked Sendable {
    enum Message: Sendable {
        case engine(EngineUpdate)
        case imagesReady
    }

    private let lock = NSLock()
    private var messages: [Message] = []
    private var fds: [Int32] = [-1, -1]

    init() {
        _ = pipe(&fds)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
    }

    deinit {
        close(fds[0])
        close(fds[1])
    }

    var wakeDescriptor: Int32 { fds[0] }

    func post(_ message: Message) {
        lock.lock()
        messages.append(message)
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(fds[1], &byte, 1)
    }

    func take() -> [Message] {
        var sink = [UInt8](repeating: 0, count: 256)
        while read(fds[0], &sink, sink.count) > 0 {}
        lock.lock()
        defer { lock.unlock() }
        let taken = messages
        messages.removeAll(keepingCapacity: true)
        return taken
    }
}
