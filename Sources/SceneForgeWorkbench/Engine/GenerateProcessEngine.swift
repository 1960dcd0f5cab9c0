import Foundation

/// Runs each job as a `sceneforge generate` child process, one at a time, and reports its
/// progress from the per-step lines it prints, plus RAM telemetry at 2 Hz. A child that crashes
/// fails its job only; the next job gets a new process.
public final class GenerateProcessEngine: WorkbenchEngine, @unchecked Sendable {
    public let updates: AsyncStream<EngineUpdate>
    private let continuation: AsyncStream<EngineUpdate>.Continuation
    private let executable: String
    private let lock = NSLock()
    private let wake = DispatchSemaphore(value: 0)
    private var queue: [(id: String, request: JobRequest)] = []
    private var current: (id: String, process: Process)?
    private var cancelledRunning: Set<String> = []
    private var counter = 0
    private var stopped = false

    public init(executable: String) {
        self.executable = executable
        (updates, continuation) = AsyncStream.makeStream(of: EngineUpdate.self, bufferingPolicy: .unbounded)
        continuation.yield(.ready(description: "sceneforge generate, one process per job", hasImageAdapter: false))
        Thread.detachNewThread { [weak self] in self?.work() }
        Thread.detachNewThread { [weak self] in self?.sampleMemory() }
    }

    public func submit(_ job: JobRequest) throws -> String {
        lock.lock()
        counter += 1
        let id = "job-\(counter)"
        queue.append((id, job))
        let position = queue.count - 1 + (current == nil ? 0 : 1)
        lock.unlock()
        continuation.yield(.accepted(job: id, position: position))
        wake.signal()
        return id
    }

    public func cancel(job: String) throws {
        lock.lock()
        defer { lock.unlock() }
        if let index = queue.firstIndex(where: { $0.id == job }) {
            queue.remove(at: index)
            continuation.yield(.cancelled(job: job))
        } else if let current, current.id == job {
            cancelledRunning.insert(job)
            current.process.terminate()
        }
    }

    public func shutdown() {
        lock.lock()
        stopped = true
        queue.removeAll()
        current?.process.terminate()
        lock.unlock()
        wake.signal()
        continuation.finish()
    }

    /// The process running now, for tests that kill it.
    public var runningProcessID: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return current?.process.processIdentifier
    }

    private func work() {
        while true {
            wake.wait()
            while let next = takeNext() { run(next.id, next.request) }
            lock.lock()
            let done = stopped
            lock.unlock()
            if done { return }
        }
    }

    private func takeNext() -> (id: String, request: JobRequest)? {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped, !queue.isEmpty else { return nil }
        return queue.removeFirst()
    }

    private func run(_ id: String, _ request: JobRequest) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["generate", "--model", request.model, "--prompt", request.prompt,
                             "--negative-prompt", request.negativePrompt, "--width", "\(request.width)",
                             "--height", "\(request.height)", "--steps", "\(request.steps)",
                             "--guidance", "\(request.guidance)", "--seed", "\(request.seed)", "--out", request.output]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try? FileManager.default.createDirectory(at: URL(fileURLWithPath: request.output).deletingLastPathComponent(), withIntermediateDirectories: true)
        do { try process.run() } catch {
            continuation.yield(.failed(job: id, message: "cannot start \(executable): \(error.localizedDescription)"))
            return
        }
        lock.lock()
        current = (id, process)
        lock.unlock()
        continuation.yield(.started(job: id, steps: request.steps, seed: request.seed))
        var tail: [String] = []
        var buffer = Data()
        let handle = errors.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if let step = StepLine.parse(line) {
                    continuation.yield(.step(job: id, index: step.index, total: step.total, elapsed: step.elapsed,
                                             secondsPerStep: step.secondsPerStep, eta: step.eta))
                } else {
                    tail.append(line)
                    if tail.count > 5 { tail.removeFirst() }
                }
            }
        }
        process.waitUntilExit()
        lock.lock()
        current = nil
        let wasCancelled = cancelledRunning.remove(id) != nil
        lock.unlock()
        if wasCancelled {
            continuation.yield(.cancelled(job: id))
        } else if process.terminationReason == .exit && process.terminationStatus == 0 {
            continuation.yield(.done(job: id, outputs: [request.output]))
        } else {
            let how = process.terminationReason == .uncaughtSignal ? "was killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
            let detail = tail.last.map { ": \($0)" } ?? ""
            continuation.yield(.failed(job: id, message: "the engine process \(how)\(detail)"))
        }
    }

    private func sampleMemory() {
        while true {
            lock.lock()
            let done = stopped
            let pid = current?.process.processIdentifier
            lock.unlock()
            if done { return }
            var reading = ProcMemory.system()
            reading.processRSS = pid.flatMap(ProcMemory.rss(pid:))
            continuation.yield(.memory(reading))
            Thread.sleep(forTimeInterval: 0.5)
        }
    }
}

/// Parses `sceneforge generate`'s progress line: "step 3/8  0.52 s/step  elapsed 1.6 s  ETA 2.6 s".
enum StepLine {
    static func parse(_ line: String) -> (index: Int, total: Int, secondsPerStep: Double, elapsed: Double, eta: Double)? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 9, words[0] == "step" else { return nil }
        let fraction = words[1].split(separator: "/")
        guard fraction.count == 2, let index = Int(fraction[0]), let total = Int(fraction[1]),
              let perStep = Double(words[2]), words[4] == "elapsed", let elapsed = Double(words[5]),
              words[7] == "ETA", let eta = Double(words[8]) else { return nil }
        return (index, total, perStep, elapsed, eta)
    }
}

/// RAM figures from /proc (Linux).
enum ProcMemory {
    static func system() -> MemoryReading {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return MemoryReading() }
        var values: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kib = Int64(parts[1]) { values[String(parts[0].dropLast())] = kib * 1024 }
        }
        guard let total = values["MemTotal"], let available = values["MemAvailable"] else { return MemoryReading() }
        return MemoryReading(ramUsed: total - available, ramTotal: total)
    }

    static func rss(pid: Int32) -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kib = Int64(parts[1]) { return kib * 1024 }
        }
        return nil
    }
}
