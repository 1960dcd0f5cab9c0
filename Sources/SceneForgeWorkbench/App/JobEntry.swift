import Foundation
import SceneForgeImaging

/// A job the workbench submitted, as the Run tab shows it.
public struct JobEntry: Equatable, Sendable {
    public enum Status: Equatable, Sendable {
        case submitted, queued(position: Int), running, done, failed(String), cancelled
        public var isFinished: Bool {
            switch self {
            case .done, .failed, .cancelled: return true
            default: return false
            }
        }
        public var label: String {
            switch self {
            case .submitted: return "submitted"
            case .queued(let p): return "queued #\(p + 1)"
            case .running: return "running"
            case .done: return "done"
            case .failed: return "failed"
            case .cancelled: return "cancelled"
            }
        }
    }

    public var id: String
    public var request: JobRequest
    public var status: Status = .submitted
    public var step = 0
    public var totalSteps: Int
    public var elapsed: Double = 0
    public var secondsPerStep: Double = 0
    public var eta: Double = 0
    public var preview: RGBAImage?
    public var outputs: [String] = []
    /// The engine's last log lines, when its death failed this job.
    public var log: [String] = []

    public init(id: String, request: JobRequest) {
        self.id = id
        self.request = request
        self.totalSteps = request.steps
    }
}

/// Memory readings over the last minutes, for the panel's numbers and history graphs.
public struct MemoryHistory: Equatable, Sendable {
    public private(set) var samples: [MemoryReading] = []
    /// At 2 Hz, five minutes.
    public var capacity = 600

    public init() {}

    /// The newest reading, periodic or not: what the numbers show.
    public private(set) var latest: MemoryReading?

    /// A periodic reading: shown and added to the graphs.
    public mutating func append(_ reading: MemoryReading) {
        latest = reading
        samples.append(reading)
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
    }

    /// An extra reading between periodic ones: shown, not graphed (the graphs' x axis is time).
    public mutating func update(_ reading: MemoryReading) {
        latest = reading
    }

    /// Fractions 0...1 of a figure over time (nil readings skipped).
    public func series(_ value: (MemoryReading) -> (Int64?, Int64?)) -> [Double] {
        samples.compactMap { reading in
            let (used, total) = value(reading)
            guard let used, let total, total > 0 else { return nil }
            return min(1, max(0, Double(used) / Double(total)))
        }
    }
}
