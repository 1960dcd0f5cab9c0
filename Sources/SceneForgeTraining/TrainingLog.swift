import Foundation

/// A run's loss curve on disk, `OUTPUT/loss.csv`: one row per optimiser step (stage, step, loss, samples/s and the
/// wall-clock time), for plotting. A resumed run first drops the rows past its checkpoint, so a run stopped or
/// killed between checkpoints still logs each step once; rows it cannot read (a line cut short by a kill) go too.
public final class TrainingLog {
    public static let fileName = "loss.csv"
    public static let header = "stage,step,loss,samples_per_second,unix_time"
    /// The style adapter's stage (its own trainer, after the base stages).
    public static let styleAdapterStage = "style_adapter"
    /// The stages in the order a run takes them.
    static let stageOrder = TrainingStage.allCases.filter { $0 != .done }.map(\.rawValue) + [styleAdapterStage]

    public let url: URL
    private let handle: FileHandle

    /// A new log in `folder` (replacing an old one), or, `resumingAt` a stage and step, the old log up to there.
    public init(folder: URL, resumingAt position: (stage: String, step: Int)? = nil) throws {
        url = folder.appendingPathComponent(Self.fileName)
        var rows = [Self.header]
        if let position, let old = try? String(contentsOf: url, encoding: .utf8) {
            rows += old.split(separator: "\n").dropFirst().map(String.init).filter { Self.row($0, isAtOrBefore: position) }
        }
        try (rows.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    public func append(stage: String, step: Int, loss: Double, samplesPerSecond: Double) {
        let line = "\(stage),\(step),\(loss),\(Self.rounded(samplesPerSecond, 3)),\(Self.rounded(Date().timeIntervalSince1970, 3))\n"
        handle.write(Data(line.utf8))
    }

    /// Whether `line` is a whole row of a stage at or before `position` (a stage taken earlier, or the same one up
    /// to its step).
    static func row(_ line: String, isAtOrBefore position: (stage: String, step: Int)) -> Bool {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 5, let step = Int(fields[1]), Double(fields[2]) != nil, Double(fields[4]) != nil,
              let rowStage = stageOrder.firstIndex(of: String(fields[0])),
              let stopStage = stageOrder.firstIndex(of: position.stage) else { return false }
        return rowStage < stopStage || (rowStage == stopStage && step <= position.step)
    }

    private static func rounded(_ value: Double, _ places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
