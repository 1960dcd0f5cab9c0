import Foundation

/// Runs an engine as a child process and talks to it: the workbench's and batch runner's way in.
///
/// The engine command is any command line that speaks the protocol on its stdin/stdout (the default is this
/// executable's `engine` subcommand; `ssh gpu-host sceneforge engine` works the same). When the engine dies
/// (EOF on its stdout: crash, kill, out of memory), the client reports the running job `failed` with the engine's
/// last stderr lines, keeps every unfinished job it submitted, and starts a new engine that gets them again:
/// at once when jobs are waiting, otherwise on the next request.
public final class EngineClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var command: [String]
        public var environment: [String: String]?
        /// Seconds to wait for the engine's `hello`.
        public var handshakeTimeout: Double
        public var stderrLinesKept: Int

        public init(command: [String] = Configuration.defaultCommand(), environment: [String: String]? = nil,
                    handshakeTimeout: Double = 60, stderrLinesKept: Int = 20) {
            self.command = command
            self.environment = environment
            self.handshakeTimeout = handshakeTimeout
            self.stderrLinesKept = stderrLinesKept
        }

        /// This executable's `engine` subcommand.
        public static func defaultCommand() -> [String] {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            return [executable, "engine"]
        }
    }

    /// What the client reports: the engine's events, plus its own about the engine process.
    public enum Event: Sendable {
        case engine(EngineEvent)
        case engineStarted(EngineEvent.Hello)
        case engineExited(EngineExit)
    }

    public struct EngineExit: Sendable, Equatable {
        /// "exit status N" or "signal N".
        public var reason: String
        public var stderrTail: [String]
        /// True when the client asked it to stop.
        public var requested: Bool
    }

    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let configuration: Configuration
    private let lock = NSRecursiveLock()
    private var engine: EngineProcess?
    /// Submitted and not finished, in submission order: what a new engine gets again.
    private var pending: [(id: String, spec: JobSpec)] = []
    private var running: String?
    private var submitRequests: [String: String] = [:]
    private var requestNumber = 0
    private var closed = false

    /// Called with every event on the thread that receives it, before `events` gets it: for synchronous
    /// callers (the batch runner) that wait on a lock rather than in a task.
    private let observer: (@Sendable (Event) -> Void)?

    public init(configuration: Configuration = Configuration(), observer: (@Sendable (Event) -> Void)? = nil) {
        self.configuration = configuration
        self.observer = observer
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        signal(SIGPIPE, SIG_IGN)
    }

    deinit {
        engine?.kill()
        continuation.finish()
    }

    /// Starts the engine and waits for its `hello`; returns it. Does nothing but return it when already running.
    @discardableResult
    public func start() throws -> EngineEvent.Hello {
        lock.lock()
        defer { lock.unlock() }
        if let engine, engine.isAlive { return engine.hello }
        guard !closed else { throw EngineError("the engine client was shut down") }
        let process = try EngineProcess.launch(configuration, onEvent: { [weak self] event, generation in
            self?.received(event, from: generation)
        }, onExit: { [weak self] exit, generation in
            self?.exited(exit, generation: generation)
        })
        engine = process
        running = nil
        emit(.engineStarted(process.hello))
        try process.send(RequestLine(id: nextRequestID("hello"), .hello(HelloRequest(client: "sceneforge-client"))))
        for job in pending {
            try sendSubmit(job.spec, on: process)
        }
        return process.hello
    }

    /// Queues a job; returns its id (the spec's, or one the client assigns so it can track and resubmit it).
    @discardableResult
    public func submit(_ spec: JobSpec) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        var spec = spec
        let id = spec.id ?? "job-\(UUID().uuidString.prefix(8).lowercased())"
        spec.id = id
        try start()
        pending.append((id, spec))
        guard let engine else { return id }
        do {
            try sendSubmit(spec, on: engine)
        } catch {
            // The engine died between start() and now: the job stays pending and goes to the next engine,
            // which the exit handler starts because a job is waiting.
            EngineLog.write("job \(id) will be sent to the next engine: \(error)")
        }
        return id
    }

    public func cancel(job: String) throws {
        try send(.cancel(job: job))
    }

    /// Sends any request (starting the engine first when it is not running); returns the request id used.
    @discardableResult
    public func send(_ request: EngineRequest) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if case .submit(let spec) = request { return try submit(spec) }
        try start()
        let id = nextRequestID(request.type)
        guard let engine else { throw EngineError("the engine is not running") }
        try engine.send(RequestLine(id: id, request))
        return id
    }

    /// Jobs submitted that have not finished, in order.
    public var unfinishedJobs: [String] {
        lock.lock()
        defer { lock.unlock() }
        return pending.map(\.id)
    }

    /// The engine's process id, when one is running.
    public var enginePID: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return engine?.isAlive == true ? engine?.pid : nil
    }

    /// Asks the engine to stop (cancelling its work unless `drain`) and waits up to `timeout` seconds for it to exit,
    /// then kills it. The client does not restart it afterwards.
    public func shutdown(drain: Bool = false, timeout: Double = 10) {
        lock.lock()
        closed = true
        let current = engine
        lock.unlock()
        guard let current, current.isAlive else { continuation.finish(); return }
        current.exitRequested = true
        try? current.send(RequestLine(id: nextRequestID("shutdown"), .shutdown(drain: drain)))
        current.closeInput()
        if !current.waitForExit(timeout: timeout) { current.kill() }
        _ = current.waitForExit(timeout: 5)
    }

    // MARK: - Engine callbacks (reader threads)

    private func received(_ event: EngineEvent, from process: EngineProcess) {
        lock.lock()
        if process === engine {
            switch event {
            case .started(let e): running = e.job
            case .done(let e): finish(e.job)
            case .failed(let e): finish(e.job)
            case .cancelled(let e): finish(e.job)
            case .error(let e):
                // A refused submit will never run: forget it.
                if let reply = e.replyTo, let job = submitRequests.removeValue(forKey: reply) { finish(job) }
            default: break
            }
        }
        lock.unlock()
        emit(.engine(event))
    }

    private func exited(_ exit: EngineExit, generation process: EngineProcess) {
        lock.lock()
        guard process === engine else { lock.unlock(); return }
        engine = nil
        let lost = running
        if let lost { finish(lost) }
        let restart = !closed && !pending.isEmpty
        lock.unlock()
        if let lost {
            let message = "the engine stopped (\(exit.reason)) while running job \(lost); "
                + (exit.stderrTail.isEmpty ? "it wrote nothing on stderr" : "its last log lines are attached")
                + ". The job was not retried; the jobs queued after it will run on a new engine."
            emit(.engine(.failed(.init(job: lost, message: message, engineLog: exit.stderrTail))))
        }
        emit(.engineExited(exit))
        if closed { continuation.finish() }
        if restart {
            // Not on the reader thread that is reporting this exit.
            Thread.detachNewThread { [weak self] in
                do { try self?.start() } catch {
                    EngineLog.write("cannot restart the engine: \(error)")
                }
            }
        }
    }

    private func emit(_ event: Event) {
        observer?(event)
        continuation.yield(event)
    }

    private func finish(_ job: String) {
        pending.removeAll { $0.id == job }
        if running == job { running = nil }
    }

    private func sendSubmit(_ spec: JobSpec, on process: EngineProcess) throws {
        let id = nextRequestID("submit")
        submitRequests[id] = spec.id
        try process.send(RequestLine(id: id, .submit(spec)))
    }

    private func nextRequestID(_ kind: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        requestNumber += 1
        return "\(kind)-\(requestNumber)"
    }
}
