import Foundation
import SceneForgeImaging
import SceneForgeScenes

/// What the workbench asks an engine to make.
public struct JobRequest: Equatable, Sendable {
    public var prompt: String
    public var negativePrompt: String
    public var model: String
    public var seed: UInt64
    public var steps: Int
    /// Nil: the model's own size (the engine's `started` fills in what it draws).
    public var width: Int?
    public var height: Int?
    public var guidance: Double
    public var layoutID: String?
    /// The layout as the user left it (nudges included): what the engine conditions on.
    public var layout: Layout?
    public var controlStrength: Double?
    /// Below 1: the control acts in the layout's anomaly region and keeps this share of its strength elsewhere.
    public var controlOutside: Double?
    public var stylePath: String?
    public var styleStrength: Double?
    public var anomalyType: String?
    /// The image file to write (the engine decides its format; `done` names what it wrote).
    public var output: String

    public init(prompt: String, negativePrompt: String = "", model: String, seed: UInt64, steps: Int, width: Int?, height: Int?,
                guidance: Double, layoutID: String? = nil, layout: Layout? = nil, controlStrength: Double? = nil, controlOutside: Double? = nil,
                stylePath: String? = nil, styleStrength: Double? = nil, anomalyType: String? = nil, output: String) {
        self.prompt = prompt; self.negativePrompt = negativePrompt; self.model = model; self.seed = seed
        self.steps = steps; self.width = width; self.height = height; self.guidance = guidance
        self.layoutID = layoutID; self.layout = layout; self.controlStrength = controlStrength; self.stylePath = stylePath
        self.controlOutside = controlOutside
        self.styleStrength = styleStrength; self.anomalyType = anomalyType; self.output = output
    }
}

/// One memory reading: any figure the engine cannot see is nil.
public struct MemoryReading: Equatable, Sendable {
    public var deviceUsed: Int64?
    public var deviceTotal: Int64?
    public var allocated: Int64?
    public var reserved: Int64?
    public var ramUsed: Int64?
    public var ramTotal: Int64?
    public var processRSS: Int64?

    public init(deviceUsed: Int64? = nil, deviceTotal: Int64? = nil, allocated: Int64? = nil, reserved: Int64? = nil,
                ramUsed: Int64? = nil, ramTotal: Int64? = nil, processRSS: Int64? = nil) {
        self.deviceUsed = deviceUsed; self.deviceTotal = deviceTotal; self.allocated = allocated
        self.reserved = reserved; self.ramUsed = ramUsed; self.ramTotal = ramTotal; self.processRSS = processRSS
    }
}

/// What an engine reports, reduced to what the workbench shows.
public enum EngineUpdate: Equatable, Sendable {
    case ready(description: String, hasImageAdapter: Bool)
    case accepted(job: String, position: Int)
    /// `width`/`height`: the size being drawn (nil from an engine older than the field).
    case started(job: String, steps: Int, seed: UInt64, width: Int?, height: Int?)
    case step(job: String, index: Int, total: Int, elapsed: Double, secondsPerStep: Double, eta: Double)
    case preview(job: String, image: RGBAImage)
    /// `history`: a periodic reading (the graphs' time axis); false for the extra one after each step.
    case memory(MemoryReading, history: Bool)
    /// `record`: the job's generation record as the engine reported it (pretty JSON lines), when it sent one.
    case done(job: String, outputs: [String], record: [String]?)
    /// `log`: the engine's last stderr lines when its death failed the job.
    case failed(job: String, message: String, log: [String])
    case cancelled(job: String)
    /// A model finished loading.
    case modelLoaded(description: String, hasImageAdapter: Bool)
    /// Something to tell the user that is about no job (a refused request).
    case notice(String)
    /// The engine process ended by itself (a crash, out of memory, a kill).
    case engineStopped(reason: String)
}

/// The workbench's view of an engine: submit and cancel return at once; everything else arrives
/// as `updates`, on a background task, and is applied on the UI loop.
public protocol WorkbenchEngine: AnyObject, Sendable {
    var updates: AsyncStream<EngineUpdate> { get }
    /// Queues a job; returns its id.
    func submit(_ job: JobRequest) throws -> String
    func cancel(job: String) throws
    func shutdown()
}
