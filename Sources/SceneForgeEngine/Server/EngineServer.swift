import Foundation
import SceneForgeTorch

/// `sceneforge engine`: reads requests from `input`, writes events to `output` (docs/protocol.md).
/// The calling thread only reads and dispatches, so it never waits on a running job; jobs run one at a time
/// on a worker thread; a telemetry thread sends memory events.
public final class EngineServer: @unchecked Sendable {
    private let configuration: EngineConfiguration
    private let input: Int32
    private let writer: EventWriter
    private let queue = WorkQueue()
    private let telemetry = MemoryTelemetry()
    private let validator: JobValidator
    private let started = Date()
    private let decoder = ProtocolCodec.makeDecoder()
    private var nextJobNumber = 1
    private let runner: JobRunner

    public init(configuration: EngineConfiguration, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.configuration = configuration
        self.input = input
        writer = EventWriter(descriptor: output, interval: configuration.eventInterval)
        let cudaDevices = (try? Torch.cudaDeviceCount()) ?? 0
        let loader = configuration.loader
        validator = JobValidator(defaultModel: loader.defaultModel, outputDirectory: configuration.outputDirectory,
                                 cudaDevices: cudaDevices, defaultSize: { loader.defaultSize(model: $0) })
        runner = JobRunner(loader: configuration.loader, queue: queue, writer: writer, telemetry: telemetry,
                           outputDirectory: configuration.outputDirectory)
    }

    /// Serves until `shutdown` or end of input; returns when the worker has stopped.
    public func run() {
        // The hello is always the first line: nothing else writes before it.
        writer.send(.hello(hello(replyTo: nil)))
        let worker = Thread { [runner] in runner.work() }
        worker.name = "engine-worker"
        worker.stackSize = 8 << 20
        worker.start()
        let telemetryStop = startTelemetry()

        let reader = LineReader(descriptor: input)
        var drain = false
        reading: while let item = reader.next() {
            switch item {
            case .tooLong(let length):
                sendError(ProtocolError(code: .lineTooLong,
                    "a request line of \(length) bytes exceeds the \(ProtocolCodec.maximumLineBytes)-byte limit; it was discarded"),
                          replyTo: nil)
            case .line(let line):
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                if case .shutdown(let wantsDrain)? = handle(line) {
                    drain = wantsDrain
                    break reading
                }
            }
            if writer.peerGone { break }
        }
        for job in queue.close(drain: drain) {
            writer.send(.cancelled(.init(job: job, state: .queued, replyTo: nil)))
        }
        runner.waitUntilStopped()
        telemetryStop()
        writer.send(.shutdown(.init(drain: drain, replyTo: shutdownRequestID)))
        writer.flush()
    }

    private var shutdownRequestID: String?

    /// Dispatches one line; returns the request when it is a shutdown.
    private func handle(_ line: Data) -> EngineRequest? {
        let request: RequestLine
        do {
            request = try ProtocolCodec.decodeRequest(line, decoder: decoder)
        } catch {
            let problem = error as? ProtocolError ?? ProtocolError(code: .malformedJSON, "\(error)")
            sendError(problem, replyTo: ProtocolCodec.requestID(in: line))
            return nil
        }
        do {
            try dispatch(request)
        } catch {
            let problem = error as? ProtocolError ?? ProtocolError(code: .invalidField, "\(error)")
            sendError(problem, replyTo: request.id, job: jobID(of: request.request))
        }
        if case .shutdown = request.request {
            shutdownRequestID = request.id
            return request.request
        }
        return nil
    }

    private func dispatch(_ line: RequestLine) throws {
        let replyTo = line.id
        switch line.request {
        case .hello(let hello):
            guard hello.protocol == engineProtocolVersion else {
                throw ProtocolError(code: .protocolMismatch,
                    "this engine speaks protocol \(engineProtocolVersion); the client asked for \(hello.protocol)")
            }
            writer.send(.hello(self.hello(replyTo: replyTo)))
        case .load(let load):
            let model = load.model ?? configuration.loader.defaultModel
            try checkModel(model, field: "model")
            let device = try validator.resolveDevice(load.device, field: "device")
            let dtype = try validator.resolveDType(load.dtype, device: device, field: "dtype")
            try enqueue(.load(model: model, dtype: dtype, device: device, replyTo: replyTo))
        case .unload:
            try enqueue(.unload(replyTo: replyTo))
        case .submit(let spec):
            // Skip numbers a client used for its own ids.
            while queue.contains(job: "job-\(nextJobNumber)") { nextJobNumber += 1 }
            let assigned = "job-\(nextJobNumber)"
            let job = try validator.validate(spec, assignedID: assigned)
            if job.id == assigned { nextJobNumber += 1 }
            try checkModel(job.model ?? configuration.loader.defaultModel, field: "job.model")
            guard !queue.contains(job: job.id) else {
                throw ProtocolError(code: .duplicateJob, "job '\(job.id)' is already queued or running")
            }
            let queued = queue.append(.job(job)) { position in
                writer.send(.accepted(.init(job: job.id, position: position, replyTo: replyTo)))
            }
            guard queued != nil else {
                throw ProtocolError(code: .shuttingDown, "the engine is shutting down")
            }
        case .cancel(let job):
            switch queue.cancel(job, replyTo: replyTo) {
            case .removedFromQueue: writer.send(.cancelled(.init(job: job, state: .queued, replyTo: replyTo)))
            case .runningWillStop: break // the worker sends `cancelled` when the job stops, at its next step
            case .unknown: throw ProtocolError(code: .unknownJob, "no queued or running job '\(job.prefix(128))'")
            }
        case .decodePreview(let job):
            guard queue.requestDecode(of: job) else {
                throw ProtocolError(code: .unknownJob, "job '\(job.prefix(128))' is not running")
            }
        case .queue:
            let snapshot = queue.snapshot
            writer.send(.queue(.init(running: snapshot.running, queued: snapshot.queued, replyTo: replyTo)))
        case .status:
            let snapshot = queue.snapshot
            writer.send(.status(.init(loadedModel: runner.loadedModel, running: snapshot.running,
                                      queued: snapshot.queued.count, jobsDone: snapshot.done,
                                      uptimeSeconds: Date().timeIntervalSince(started), replyTo: replyTo)))
        case .shutdown:
            break
        }
    }

    private func enqueue(_ item: WorkItem) throws {
        guard queue.append(item) != nil else { throw ProtocolError(code: .shuttingDown, "the engine is shutting down") }
    }

    private func checkModel(_ model: String, field: String) throws {
        do {
            try configuration.loader.validate(model: model)
        } catch {
            throw ProtocolError(code: .modelUnavailable, "field '\(field)': \(error)")
        }
    }

    private func jobID(of request: EngineRequest) -> String? {
        switch request {
        case .submit(let spec): return spec.id
        case .cancel(let job), .decodePreview(let job): return job
        default: return nil
        }
    }

    private func sendError(_ error: ProtocolError, replyTo: String?, job: String? = nil) {
        writer.send(.error(.init(code: error.code, message: error.message, job: job, replyTo: replyTo)))
    }

    private func hello(replyTo: String?) -> EngineEvent.Hello {
        let cudaDevices = (try? Torch.cudaDeviceCount()) ?? 0
        return EngineEvent.Hello(protocol: engineProtocolVersion, engine: configuration.engineName, pid: getpid(),
                                 defaultModel: configuration.loader.defaultModel,
                                 devices: ["cpu"] + (0..<cudaDevices).map { "cuda:\($0)" }, replyTo: replyTo)
    }

    /// Sends a memory event every `memoryInterval` seconds until the returned function is called.
    private func startTelemetry() -> () -> Void {
        guard configuration.memoryInterval > 0 else { return {} }
        let task = PeriodicTask(interval: configuration.memoryInterval, name: "engine-telemetry") { [telemetry, writer] in
            writer.send(.memory(telemetry.sample()))
        }
        return task.stop
    }
}

/// Runs `body` every `interval` seconds on its own thread; `stop` returns once the thread has finished.
final class PeriodicTask: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    init(interval: Double, name: String, body: @escaping () -> Void) {
        let thread = Thread { [self] in
            condition.lock()
            while !stopped {
                condition.unlock()
                body()
                condition.lock()
                _ = condition.wait(until: Date().addingTimeInterval(interval))
            }
            condition.unlock()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    func stop() {
        condition.lock()
        let wasRunning = !stopped
        stopped = true
        condition.signal()
        condition.unlock()
        if wasRunning { finished.wait() }
    }
}
