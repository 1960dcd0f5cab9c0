import Foundation

/// What the runner reports as it goes; the CLI draws it as a progress bar.
public enum BatchEvent: Sendable {
    /// Before the first job: how many this run has to make and how many were already done.
    case started(total: Int, alreadyDone: Int, strayFilesRemoved: Int)
    case jobStarted(BatchJob)
    case step(BatchJob, JobProgress)
    case jobFinished(BatchJob, imageURL: URL)
    case finished(BatchSummary)
}

public struct BatchSummary: Sendable, Equatable {
    /// Jobs in this shard.
    public var total: Int
    /// Made in this run.
    public var generated: Int
    /// Found done (row and matching PNG) and skipped.
    public var skipped: Int
    /// Rows whose PNG was missing or changed, removed so the job ran again.
    public var repaired: Int
    public var elapsed: TimeInterval
}

/// A one-line progress bar: `[#######.......] 12/40  23.5 img/min  ETA 1m12s  scene seed`.
/// Rates count only images made in this run (skipped ones took no time).
public struct ProgressLine {
    public var width = 24

    public init() {}

    public func render(done: Int, total: Int, madeThisRun: Int, elapsed: TimeInterval, current: String) -> String {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = min(width, Int((fraction * Double(width)).rounded(.down)))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let perMinute = elapsed > 0 ? Double(madeThisRun) / elapsed * 60 : 0
        let eta: String
        if madeThisRun > 0 && done < total {
            eta = Self.duration(elapsed / Double(madeThisRun) * Double(total - done))
        } else {
            eta = done >= total ? "0s" : "--"
        }
        return String(format: "[%@] %d/%d  %.1f img/min  ETA %@  %@", bar, done, total, perMinute, eta, current)
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
