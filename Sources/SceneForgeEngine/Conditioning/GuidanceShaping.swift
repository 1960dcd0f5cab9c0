import Foundation
import SceneForgeModels

/// How classifier-free guidance is spread over a run, as diffusers' ZImagePipeline `cfg_truncation` and
/// `cfg_normalization`: guidance only while the run's progress is at most `truncation` (1 = every step), and the
/// guided velocity's norm capped at `normalization` times the prompt's own (0 = no cap). Job extras
/// `cfg_truncation` / `cfg_normalization`, `generate --cfg-truncation` / `--cfg-normalization`, recorded in the PNG.
public struct GuidanceShaping: Equatable, Sendable {
    public static let extrasKeys: Set<String> = ["cfg_truncation", "cfg_normalization"]

    public let truncation: Double
    public let normalization: Double

    public init(truncation: Double = 1, normalization: Double = 0) throws {
        guard truncation.isFinite, (0...1).contains(truncation) else {
            throw ConditioningError("cfg truncation must be a fraction of the run in 0...1 (got \(truncation))")
        }
        guard normalization.isFinite, normalization >= 0 else {
            throw ConditioningError("cfg normalization must be a number ≥ 0 (got \(normalization))")
        }
        (self.truncation, self.normalization) = (truncation, normalization)
    }

    public init(extras: [String: JSONValue]) throws {
        let read = JobExtrasReader(extras: extras)
        try self.init(truncation: read.number("cfg_truncation") ?? 1, normalization: read.number("cfg_normalization") ?? 0)
    }

    /// What a generation record says (`cfgTruncation` / `cfgNormalization`; absent: the defaults).
    public static func recorded(_ extra: [String: String]?) -> (truncation: Double?, normalization: Double?) {
        (extra?["cfgTruncation"].flatMap(Double.init), extra?["cfgNormalization"].flatMap(Double.init))
    }

    public func apply(to request: inout TextToImageRequest) {
        (request.cfgTruncation, request.cfgNormalization) = (truncation, normalization)
    }

    /// The record's entries: only settings that differ from the defaults, so older records read the same.
    public var recordExtra: [String: String] {
        var extra: [String: String] = [:]
        if truncation != 1 { extra["cfgTruncation"] = String(truncation) }
        if normalization != 0 { extra["cfgNormalization"] = String(normalization) }
        return extra
    }
}
