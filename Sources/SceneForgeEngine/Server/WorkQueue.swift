import Foundation
import SceneForgeTorch

/// What the worker thread does, in submission order.
enum WorkItem {
    case job(GenerationJob)
    case load(model: String, dtype: DType, device: Device, replyTo: String?)
    case unload(replyTo: String?)
}

/// The engine's queue, shared by the reader thread (submit, cancel) and the worker thread (next, finish).
/// Cancelling the running job only raises a flag: the worker sees it at the job's next step.
final class WorkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [WorkItem] = []
    private var running: String?
    private var cancelRunning: (requested: Bool, replyTo: String?) = (false, nil)
    private var decodeRequested = false
    private var closed = false
    private(set) var jobsDone = 0

    /// Adds an item; returns the job's position (0: next), or nil when the queue is closed.
    /// `accepted` runs with the item's position before the worker can take it, so an answer written there
    /// (the `accepted` event) always precedes the job's `started`.
    func append(_ item: WorkItem, accepted: (Int) -> Void = { _ in }) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return nil }
        items.append(item)
        let position = items.count - 1 + (running == nil ? 0 : 1)
        accepted(position)
        condition.signal()
        return position
    }

    /// Blocks until there is work; nil once the queue is closed and empty.
    func next() -> WorkItem? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        if case .job(let job) = item {
            running = job.id
            cancelRunning = (false, nil)
            decodeRequested = false
        }
        return item
    }

    func finish(_ job: String) {
        condition.lock()
        defer { condition.unlock() }
        if running == job { running = nil }
        jobsDone += 1
        condition.broadcast()
    }

    enum CancelOutcome { case removedFromQueue, runningWillStop, unknown }

    func cancel(_ job: String, replyTo: String?) -> CancelOutcome {
        condition.lock()
        defer { condition.unlock() }
        if running == job {
            cancelRunning = (true, replyTo)
            return .runningWillStop
        }
        if let index = items.firstIndex(where: { if case .job(let j) = $0 { return j.id == job }; return false }) {
            items.remove(at: index)
            return .removedFromQueue
        }
        return .unknown
    }

    /// Whether the running job `job` was asked to stop, and the id of the request that asked.
    func cancellation(of job: String) -> (requested: Bool, replyTo: String?) {
        condition.lock()
        defer { condition.unlock() }
        return running == job ? cancelRunning : (false, nil)
    }

    func requestDecode(of job: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard running == job else { return false }
        decodeRequested = true
        return true
    }

    /// True once per `requestDecode`.
    func takeDecodeRequest() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        defer { decodeRequested = false }
        return decodeRequested
    }

    func contains(job: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return running == job || queuedJobs.contains(job)
    }

    var snapshot: (running: String?, queued: [String], done: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (running, queuedJobs, jobsDone)
    }

    /// Stops accepting work. Without `drain`, queued jobs are removed (returned) and the running one is asked to stop.
    func close(drain: Bool) -> [String] {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        var dropped: [String] = []
        if !drain {
            dropped = queuedJobs
            items.removeAll()
            if running != nil { cancelRunning = (true, nil) }
        }
        condition.broadcast()
        return dropped
    }

    private var queuedJobs: [String] {
        items.compactMap { if case .job(let job) = $0 { return job.id }; return nil }
    }
}
