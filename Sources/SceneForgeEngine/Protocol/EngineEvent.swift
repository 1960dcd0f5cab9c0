import Foundation

/// What the engine tells its client, one JSON object per line: `{"type": ..., ...payload}` (docs/protocol.md).
public enum EngineEvent: Equatable, Sendable {
    case hello(Hello)
    case loaded(ModelEvent)
    case unloaded(ModelEvent)
    case accepted(Accepted)
    case started(Started)
    case step(Step)
    case preview(Preview)
    case memory(MemorySample)
    case done(Done)
    case failed(Failed)
    case cancelled(Cancelled)
    case error(ErrorEvent)
    case queue(QueueListing)
    case status(Status)
    case shutdown(Shutdown)
    /// A type this client does not know (a newer engine); kept whole rather than dropped.
    case unknown(type: String, JSONValue)

    public var type: String {
        switch self {
        case .hello: return "hello"
        case .loaded: return "loaded"
        case .unloaded: return "unloaded"
        case .accepted: return "accepted"
        case .started: return "started"
        case .step: return "step"
        case .preview: return "preview"
        case .memory: return "memory"
        case .done: return "done"
        case .failed: return "failed"
        case .cancelled: return "cancelled"
        case .error: return "error"
        case .queue: return "queue"
        case .status: return "status"
        case .shutdown: return "shutdown"
        case .unknown(let type, _): return type
        }
    }

    /// The job the event is about, if any.
    public var job: String? {
        switch self {
        case .accepted(let e): return e.job
        case .started(let e): return e.job
        case .step(let e): return e.job
        case .preview(let e): return e.job
        case .memory(let e): return e.job
        case .done(let e): return e.job
        case .failed(let e): return e.job
        case .cancelled(let e): return e.job
        case .error(let e): return e.job
        default: return nil
        }
    }

    public struct Hello: Codable, Equatable, Sendable {
        public var `protocol`: Int
        public var engine: String
        public var pid: Int32
        public var defaultModel: String
        public var devices: [String]
        public var replyTo: String?
    }

    public struct ModelEvent: Codable, Equatable, Sendable {
        public var model: String
        public var description: String
        public var dtype: String
        public var device: String
        public var seconds: Double?
        public var replyTo: String?
        /// Whether the loaded model carries a style adapter (takes `style` job extras); absent for non-Z-Image generators.
        public var styleAdapter: Bool? = nil
    }

    public struct Accepted: Codable, Equatable, Sendable {
        public var job: String
        /// 0: runs next (or now, when nothing is running).
        public var position: Int
        public var replyTo: String?
    }

    public struct Started: Codable, Equatable, Sendable {
        public var job: String
        public var model: String
        public var steps: Int
        public var seed: UInt64
        /// The size being drawn: the job's, or the model's own when the job named none. Optional so that a
        /// client still reads an engine from before the field.
        public var width: Int?
        public var height: Int?
    }

    public struct Step: Codable, Equatable, Sendable {
        public var job: String
        /// 1-based: `index == total` is the last step.
        public var index: Int
        public var total: Int
        public var elapsedSeconds: Double
        public var secondsPerStep: Double
        public var etaSeconds: Double
    }

    public struct Preview: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable { case thumbnail, full }
        public var job: String
        public var step: Int
        public var kind: Kind
        public var width: Int
        public var height: Int
        /// "rgb8": `data` is base64 of width*height*3 bytes, row-major; "png": the image is at `path`.
        public var encoding: String
        public var data: String?
        public var path: String?
    }

    public struct Done: Codable, Equatable, Sendable {
        public var job: String
        public var outputs: [String]
        public var record: JSONValue
        public var seconds: Double
    }

    public struct Failed: Codable, Equatable, Sendable {
        public var job: String
        public var message: String
        /// Set by the client when the engine died: its last stderr lines.
        public var engineLog: [String]?
    }

    public struct Cancelled: Codable, Equatable, Sendable {
        public enum State: String, Codable, Sendable { case queued, running }
        public var job: String
        public var state: State
        public var replyTo: String?
    }

    public struct ErrorEvent: Codable, Equatable, Sendable {
        public var code: ProtocolError.Code
        public var message: String
        public var job: String?
        public var replyTo: String?
    }

    public struct QueueListing: Codable, Equatable, Sendable {
        public var running: String?
        public var queued: [String]
        public var replyTo: String?
    }

    public struct Status: Codable, Equatable, Sendable {
        public var loadedModel: String?
        public var running: String?
        public var queued: Int
        public var jobsDone: Int
        public var uptimeSeconds: Double
        public var replyTo: String?
    }

    public struct Shutdown: Codable, Equatable, Sendable {
        public var drain: Bool
        public var replyTo: String?
    }
}

extension EngineEvent: Codable {
    private enum Key: String, CodingKey { case type }

    public init(from decoder: Decoder) throws {
        let type = try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .type)
        switch type {
        case "hello": self = .hello(try Hello(from: decoder))
        case "loaded": self = .loaded(try ModelEvent(from: decoder))
        case "unloaded": self = .unloaded(try ModelEvent(from: decoder))
        case "accepted": self = .accepted(try Accepted(from: decoder))
        case "started": self = .started(try Started(from: decoder))
        case "step": self = .step(try Step(from: decoder))
        case "preview": self = .preview(try Preview(from: decoder))
        case "memory": self = .memory(try MemorySample(from: decoder))
        case "done": self = .done(try Done(from: decoder))
        case "failed": self = .failed(try Failed(from: decoder))
        case "cancelled": self = .cancelled(try Cancelled(from: decoder))
        case "error": self = .error(try ErrorEvent(from: decoder))
        case "queue": self = .queue(try QueueListing(from: decoder))
        case "status": self = .status(try Status(from: decoder))
        case "shutdown": self = .shutdown(try Shutdown(from: decoder))
        default: self = .unknown(type: type, try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        if case .unknown(_, let value) = self { return try value.encode(to: encoder) }
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(type, forKey: .type)
        switch self {
        case .hello(let e): try e.encode(to: encoder)
        case .loaded(let e), .unloaded(let e): try e.encode(to: encoder)
        case .accepted(let e): try e.encode(to: encoder)
        case .started(let e): try e.encode(to: encoder)
        case .step(let e): try e.encode(to: encoder)
        case .preview(let e): try e.encode(to: encoder)
        case .memory(let e): try e.encode(to: encoder)
        case .done(let e): try e.encode(to: encoder)
        case .failed(let e): try e.encode(to: encoder)
        case .cancelled(let e): try e.encode(to: encoder)
        case .error(let e): try e.encode(to: encoder)
        case .queue(let e): try e.encode(to: encoder)
        case .status(let e): try e.encode(to: encoder)
        case .shutdown(let e): try e.encode(to: encoder)
        case .unknown: break
        }
    }
}
