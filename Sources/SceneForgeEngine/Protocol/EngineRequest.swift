import Foundation

/// The protocol version both sides announce in `hello`; a different number is refused.
public let engineProtocolVersion = 1

/// What a client asks of the engine, one JSON object per line (docs/protocol.md).
public enum EngineRequest: Equatable, Sendable {
    case hello(HelloRequest)
    case load(LoadRequest)
    case unload
    case submit(JobSpec)
    case cancel(job: String)
    /// A full decode of the running job's current estimate at its next step (written to a file).
    case decodePreview(job: String)
    case queue
    case status
    case shutdown(drain: Bool)

    public var type: String {
        switch self {
        case .hello: return "hello"
        case .load: return "load"
        case .unload: return "unload"
        case .submit: return "submit"
        case .cancel: return "cancel"
        case .decodePreview: return "decode_preview"
        case .queue: return "queue"
        case .status: return "status"
        case .shutdown: return "shutdown"
        }
    }
}

public struct HelloRequest: Codable, Equatable, Sendable {
    public var `protocol`: Int
    public var client: String?
    public init(protocol: Int = engineProtocolVersion, client: String? = nil) {
        self.protocol = `protocol`
        self.client = client
    }

    private enum CodingKeys: String, CodingKey { case `protocol`, client }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let version = try c.integer(Int.self, forKey: .protocol) else {
            throw ProtocolError(code: .invalidField, "missing field 'protocol' (an integer)")
        }
        self.protocol = version
        client = try c.decodeIfPresent(String.self, forKey: .client)
    }
}

public struct LoadRequest: Codable, Equatable, Sendable {
    /// A model path or name; nil loads the engine's default model.
    public var model: String?
    public var dtype: String?
    public var device: String?
    public init(model: String? = nil, dtype: String? = nil, device: String? = nil) {
        self.model = model
        self.dtype = dtype
        self.device = device
    }
}

/// A job as the client submits it; the engine fills in defaults and validates it into a `GenerationJob`.
public struct JobSpec: Codable, Equatable, Sendable {
    /// The client's stable id; the engine assigns "job-N" when absent. Must be unique among unfinished jobs.
    public var id: String?
    public var prompt: String
    public var negativePrompt: String?
    public var width: Int?
    public var height: Int?
    public var steps: Int?
    public var guidance: Double?
    /// Absent: the engine draws one and reports it in the record.
    public var seed: UInt64?
    /// A model path or name; nil: the engine's default model.
    public var model: String?
    public var dtype: String?
    public var device: String?
    /// Where the image is written; nil: `<engine output dir>/<job id>.png` (a PNG with its generation record).
    public var output: String?
    /// A preview every N steps (0 turns previews off); nil: at most one every `previewIntervalMs`.
    public var previewEverySteps: Int?
    public var previewIntervalMs: Int?
    /// The thumbnail's long side in pixels (at most the latent size).
    public var previewSize: Int?
    /// Free-form fields later features ride on (control layouts, masks, styles); echoed in the record.
    public var extras: [String: JSONValue]?

    public init(id: String? = nil, prompt: String, negativePrompt: String? = nil, width: Int? = nil, height: Int? = nil,
                steps: Int? = nil, guidance: Double? = nil, seed: UInt64? = nil, model: String? = nil, dtype: String? = nil,
                device: String? = nil, output: String? = nil, previewEverySteps: Int? = nil, previewIntervalMs: Int? = nil,
                previewSize: Int? = nil, extras: [String: JSONValue]? = nil) {
        self.id = id
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.width = width
        self.height = height
        self.steps = steps
        self.guidance = guidance
        self.seed = seed
        self.model = model
        self.dtype = dtype
        self.device = device
        self.output = output
        self.previewEverySteps = previewEverySteps
        self.previewIntervalMs = previewIntervalMs
        self.previewSize = previewSize
        self.extras = extras
    }

    private enum CodingKeys: String, CodingKey {
        case id, prompt, negativePrompt, width, height, steps, guidance, seed, model, dtype, device, output
        case previewEverySteps, previewIntervalMs, previewSize, extras
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        prompt = try c.decode(String.self, forKey: .prompt)
        negativePrompt = try c.decodeIfPresent(String.self, forKey: .negativePrompt)
        width = try c.integer(Int.self, forKey: .width)
        height = try c.integer(Int.self, forKey: .height)
        steps = try c.integer(Int.self, forKey: .steps)
        guidance = try c.decodeIfPresent(Double.self, forKey: .guidance)
        seed = try c.integer(UInt64.self, forKey: .seed)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        dtype = try c.decodeIfPresent(String.self, forKey: .dtype)
        device = try c.decodeIfPresent(String.self, forKey: .device)
        output = try c.decodeIfPresent(String.self, forKey: .output)
        previewEverySteps = try c.integer(Int.self, forKey: .previewEverySteps)
        previewIntervalMs = try c.integer(Int.self, forKey: .previewIntervalMs)
        previewSize = try c.integer(Int.self, forKey: .previewSize)
        extras = try c.decodeIfPresent([String: JSONValue].self, forKey: .extras)
    }
}

/// A request line: `{"type": ..., "id": ...}` plus the request's own fields.
public struct RequestLine: Equatable, Sendable {
    /// The client's request id, echoed as `reply_to` in the engine's answer.
    public var id: String?
    public var request: EngineRequest

    public init(id: String? = nil, _ request: EngineRequest) {
        self.id = id
        self.request = request
    }
}

extension RequestLine: Codable {
    private enum Key: String, CodingKey { case type, id, job, drain }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "hello": request = .hello(try HelloRequest(from: decoder))
        case "load": request = .load(try LoadRequest(from: decoder))
        case "unload": request = .unload
        case "submit": request = .submit(try c.decode(JobSpec.self, forKey: .job))
        case "cancel": request = .cancel(job: try c.decode(String.self, forKey: .job))
        case "decode_preview": request = .decodePreview(job: try c.decode(String.self, forKey: .job))
        case "queue": request = .queue
        case "status": request = .status
        case "shutdown": request = .shutdown(drain: try c.decodeIfPresent(Bool.self, forKey: .drain) ?? false)
        default: throw ProtocolError(code: .unknownType, "unknown request type \"\(type.prefix(64))\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(request.type, forKey: .type)
        try c.encodeIfPresent(id, forKey: .id)
        switch request {
        case .hello(let hello): try hello.encode(to: encoder)
        case .load(let load): try load.encode(to: encoder)
        case .submit(let job): try c.encode(job, forKey: .job)
        case .cancel(let job), .decodePreview(let job): try c.encode(job, forKey: .job)
        case .shutdown(let drain): try c.encode(drain, forKey: .drain)
        case .unload, .queue, .status: break
        }
    }
}
