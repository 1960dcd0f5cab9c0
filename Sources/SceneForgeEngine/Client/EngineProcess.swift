import Foundation

/// One engine child process: its pipes, a thread reading its events, one keeping its last stderr lines.
final class EngineProcess: @unchecked Sendable {
    let process: Process
    let hello: EngineEvent.Hello
    var pid: Int32 { process.processIdentifier }
    /// Set before a requested shutdown, so its exit is not reported as a death.
    var exitRequested = false

    private let input: FileHandle
    private let writeLock = NSLock()
    private let encoder = ProtocolCodec.makeEncoder()
    private let stderrTail: StderrTail
    private let exited = DispatchSemaphore(value: 0)
    private let stateLock = NSLock()
    private var alive = true

    var isAlive: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return alive
    }

    private init(process: Process, input: FileHandle, hello: EngineEvent.Hello, stderrTail: StderrTail) {
        self.process = process
        self.input = input
        self.hello = hello
        self.stderrTail = stderrTail
    }

    /// Spawns the engine and waits for its `hello`; events after it go to `onEvent` on a reader thread, and
    /// `onExit` runs once when its stdout ends (the process is reaped first).
    static func launch(_ configuration: EngineClient.Configuration,
                       onEvent: @escaping (EngineEvent, EngineProcess) -> Void,
                       onExit: @escaping (EngineClient.EngineExit, EngineProcess) -> Void) throws -> EngineProcess {
        guard let program = configuration.command.first else { throw EngineError("the engine command is empty") }
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(configuration.command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = configuration.command
        }
        if let environment = configuration.environment { process.environment = environment }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw EngineError("cannot start the engine (\(configuration.command.joined(separator: " "))): \(error.localizedDescription)")
        }
        // The child holds its own copies; closing ours lets EOF through when it dies.
        try? stdin.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()

        let tail = StderrTail(keep: configuration.stderrLinesKept)
        let stderrFinished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let reader = LineReader(descriptor: stderr.fileHandleForReading.fileDescriptor, limit: 64 << 10)
            while let item = reader.next() {
                if case .line(let line) = item { tail.append(String(decoding: line, as: UTF8.self)) }
            }
            try? stderr.fileHandleForReading.close()
            stderrFinished.signal()
        }

        let reader = LineReader(descriptor: stdout.fileHandleForReading.fileDescriptor, limit: 64 << 20)
        let decoder = ProtocolCodec.makeDecoder()
        let hello = try awaitHello(reader, decoder: decoder, process: process, tail: tail, timeout: configuration.handshakeTimeout)
        let engine = EngineProcess(process: process, input: stdin.fileHandleForWriting, hello: hello, stderrTail: tail)
        Thread.detachNewThread {
            while let item = reader.next() {
                guard case .line(let line) = item else { continue }
                do {
                    onEvent(try decoder.decode(EngineEvent.self, from: line), engine)
                } catch {
                    EngineLog.write("unreadable event from the engine: \(String(decoding: line.prefix(200), as: UTF8.self))")
                }
            }
            try? stdout.fileHandleForReading.close()
            let reason = engine.reap()
            // Its last words: stderr ends at the same moment, but its reader may be a moment behind.
            _ = stderrFinished.wait(timeout: .now() + 0.2)
            onExit(EngineClient.EngineExit(reason: reason, stderrTail: tail.lines, requested: engine.exitRequested), engine)
        }
        return engine
    }

    /// Reads the first line on a helper thread so a silent engine cannot hang the caller past `timeout`.
    private static func awaitHello(_ reader: LineReader, decoder: JSONDecoder, process: Process, tail: StderrTail,
                                   timeout: Double) throws -> EngineEvent.Hello {
        let done = DispatchSemaphore(value: 0)
        let box = HelloBox()
        Thread.detachNewThread {
            box.item = reader.next()
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw EngineError("the engine sent no hello within \(Int(timeout)) s" + tail.describe())
        }
        guard case .line(let line)? = box.item else {
            process.waitUntilExit()
            throw EngineError("the engine exited before its hello (status \(process.terminationStatus))" + tail.describe())
        }
        guard case .hello(let hello)? = try? decoder.decode(EngineEvent.self, from: line) else {
            process.terminate()
            throw EngineError("the engine's first line is not a hello: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        guard hello.protocol == engineProtocolVersion else {
            process.terminate()
            throw EngineError("the engine speaks protocol \(hello.protocol); this client speaks \(engineProtocolVersion)")
        }
        return hello
    }

    func send(_ request: RequestLine) throws {
        let line = try ProtocolCodec.encodeLine(request, encoder: encoder)
        writeLock.lock()
        defer { writeLock.unlock() }
        do {
            try input.write(contentsOf: line)
        } catch {
            throw EngineError("cannot send a \(request.request.type) request: the engine is not reading (\(error.localizedDescription))")
        }
    }

    func closeInput() {
        writeLock.lock()
        defer { writeLock.unlock() }
        try? input.close()
    }

    func kill() {
        if isAlive { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    func waitForExit(timeout: Double) -> Bool {
        if exited.wait(timeout: .now() + timeout) == .timedOut { return false }
        exited.signal()
        return true
    }

    /// After stdout's EOF: learns how the process ended (killing it if it lingers with stdout closed).
    private func reap() -> String {
        var ending = Self.ending(of: pid, waitingUpTo: 0.5)
        if ending == .stillRunning {
            Foundation.kill(pid, SIGKILL)
            ending = Self.ending(of: pid, waitingUpTo: 5)
        }
        stateLock.lock()
        alive = false
        stateLock.unlock()
        closeInput()
        exited.signal()
        switch ending {
        case .signal(let number): return "signal \(number)"
        case .status(let status): return "exit status \(status)"
        case .stillRunning, .unknown:
            // Foundation's monitor reaped it first (or it will): its answer is the one left.
            process.waitUntilExit()
            switch process.terminationReason {
            case .uncaughtSignal: return "signal \(process.terminationStatus)"
            default: return "exit status \(process.terminationStatus)"
            }
        }
    }

    private enum Ending: Equatable { case status(Int32), signal(Int32), stillRunning, unknown }

    /// Polls `waitid(WNOWAIT)`: it reports the end the moment the kernel knows it, without reaping the child, so
    /// Foundation's own (and, under load, late) monitor still reaps it. Polling `Process.isRunning` instead waits
    /// for that monitor, which took over a second on a busy 2-core machine.
    private static func ending(of pid: Int32, waitingUpTo seconds: Double) -> Ending {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            var info = siginfo_t()
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 {
                if errno == EINTR { continue }
                return .unknown
            }
            if info._sifields._sigchld.si_pid == pid {
                let code = info.si_code, value = info._sifields._sigchld.si_status
                return code == Int32(CLD_EXITED) ? .status(value) : .signal(value)
            }
            usleep(2_000)
        } while Date() < deadline
        return .stillRunning
    }
}

private final class HelloBox: @unchecked Sendable {
    var item: LineReader.Item?
}

/// The last lines an engine wrote on stderr, for the message when it dies.
final class StderrTail: @unchecked Sendable {
    private let keep: Int
    private let lock = NSLock()
    private var buffer: [String] = []

    init(keep: Int) { self.keep = keep }

    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(line)
        if buffer.count > keep { buffer.removeFirst(buffer.count - keep) }
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }

    func describe() -> String {
        let lines = self.lines
        return lines.isEmpty ? "" : "; its stderr ends with:\n" + lines.joined(separator: "\n")
    }
}
