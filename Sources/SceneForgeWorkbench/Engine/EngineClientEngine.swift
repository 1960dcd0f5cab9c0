import Foundation
import SceneForgeEngine

/// The workbench's engine: a `sceneforge engine` child process (or any command speaking the protocol,
/// e.g. over ssh) driven through `EngineClient`. Submit and cancel return at once; the requests go out on a
/// serial queue, so a handshake with a (re)starting engine never blocks the UI. When the engine dies, the
/// client fails the running job with its last stderr lines and the next request starts a new engine.
public final class EngineClientEngine: WorkbenchEngine, @unchecked Sendable {
    public let updates: AsyncStream<EngineUpdate>
    private let continuation: AsyncStream<EngineUpdate>.Continuation
    private let client: EngineClient
    private let requests = DispatchQueue(label: "sceneforge.workbench.engine-requests")
    private let lock = NSLock()
    /// Job ids: "job-N". The engine is this workbench's own, so they only need to be unique in this session.
    private var counter = 0

    /// Starts the engine in the background (so telemetry flows before the first job).
    public init(configuration: EngineClient.Configuration) {
        client = EngineClient(configuration: configuration)
        (updates, continuation) = AsyncStream.makeStream(of: EngineUpdate.self, bufferingPolicy: .unbounded)
        let events = client.events
        let continuation = continuation
        Task.detached {
            for await event in events {
                if let update = EngineTranslation.update(event) { continuation.yield(update) }
            }
            continuation.finish()
        }
        requests.async { [client, continuation] in
            do { try client.start() } catch {
                continuation.yield(.notice("Cannot start the engine: \(error)"))
            }
        }
    }

    public func submit(_ job: JobRequest) throws -> String {
        lock.lock()
        counter += 1
        let id = "job-\(counter)"
        lock.unlock()
        let spec = EngineTranslation.spec(job, id: id)
        requests.async { [client, continuation] in
            do { try client.submit(spec) } catch {
                continuation.yield(.failed(job: id, message: "could not reach the engine: \(error)", log: []))
            }
        }
        return id
    }

    public func cancel(job: String) throws {
        requests.async { [client, continuation] in
            do { try client.cancel(job: job) } catch {
                continuation.yield(.notice("Cannot cancel \(job): \(error)"))
            }
        }
    }

    /// Stops the engine (its running job is cancelled) and waits up to 5 s for it to exit.
    public func shutdown() {
        requests.sync {}
        client.shutdown(drain: false, timeout: 5)
    }

    /// The engine's process id while one runs (tests and the status line).
    public var enginePID: Int32? { client.enginePID }
}
