import Foundation

/// The keys diffusers writes to `scheduler_config.json` for `FlowMatchEulerDiscreteScheduler`
/// (diffusers 0.42.1, scheduling_flow_match_euler_discrete.py:92-108), with its defaults for missing keys.
/// Unknown keys (`_class_name`, `_diffusers_version`, ...) are ignored.
public struct FlowMatchEulerConfig: Equatable, Sendable {
    public enum TimeShiftType: String, Sendable {
        case exponential
        case linear
    }

    public var numTrainTimesteps: Int = 1000
    public var shift: Double = 1.0
    public var useDynamicShifting: Bool = false
    public var baseShift: Double? = 0.5
    public var maxShift: Double? = 1.15
    public var baseImageSeqLen: Int = 256
    public var maxImageSeqLen: Int = 4096
    public var invertSigmas: Bool = false
    public var shiftTerminal: Double? = nil
    public var useKarrasSigmas: Bool = false
    public var useExponentialSigmas: Bool = false
    public var useBetaSigmas: Bool = false
    public var timeShiftType: TimeShiftType = .exponential
    public var stochasticSampling: Bool = false

    public init() {}

    /// The published Tongyi-MAI/Z-Image-Turbo `scheduler/scheduler_config.json`.
    public static var zImageTurbo: FlowMatchEulerConfig {
        var config = FlowMatchEulerConfig()
        config.shift = 3.0
        return config
    }

    /// Reads `scheduler_config.json`; errors name the file and the field.
    public static func load(contentsOf url: URL) throws -> FlowMatchEulerConfig {
        try ModelConfigFile.load(FlowMatchEulerConfig.self, contentsOf: url)
    }

    public static func decode(_ data: Data, source: String = "scheduler_config.json") throws -> FlowMatchEulerConfig {
        try ModelConfigFile.decode(FlowMatchEulerConfig.self, from: data, file: source)
    }

    /// The checks diffusers makes in `__init__` (lines 109-125), plus the ones that would otherwise
    /// produce NaN/inf schedules or need features this port does not have.
    public func validate() throws {
        if numTrainTimesteps < 1 {
            throw SchedulerError("field 'num_train_timesteps' must be at least 1 (got \(numTrainTimesteps))")
        }
        if !(shift > 0) || !shift.isFinite {
            throw SchedulerError("field 'shift' must be a positive number (got \(shift))")
        }
        if [useKarrasSigmas, useExponentialSigmas, useBetaSigmas].filter({ $0 }).count > 1 {
            throw SchedulerError("only one of 'use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas' can be true")
        }
        if useBetaSigmas {
            throw SchedulerError("field 'use_beta_sigmas': beta sigmas (scipy beta.ppf) are not implemented")
        }
        if stochasticSampling {
            throw SchedulerError("field 'stochastic_sampling': stochastic sampling is not implemented")
        }
        if let terminal = shiftTerminal, terminal != 0, !(terminal > 0 && terminal < 1) {
            throw SchedulerError("field 'shift_terminal' must be in (0, 1) (got \(terminal))")
        }
        if useDynamicShifting, maxImageSeqLen == baseImageSeqLen {
            throw SchedulerError("fields 'base_image_seq_len' and 'max_image_seq_len' must differ")
        }
    }
}

extension FlowMatchEulerConfig: Decodable {
    private enum Key: String, CodingKey {
        case numTrainTimesteps = "num_train_timesteps"
        case shift
        case useDynamicShifting = "use_dynamic_shifting"
        case baseShift = "base_shift"
        case maxShift = "max_shift"
        case baseImageSeqLen = "base_image_seq_len"
        case maxImageSeqLen = "max_image_seq_len"
        case invertSigmas = "invert_sigmas"
        case shiftTerminal = "shift_terminal"
        case useKarrasSigmas = "use_karras_sigmas"
        case useExponentialSigmas = "use_exponential_sigmas"
        case useBetaSigmas = "use_beta_sigmas"
        case timeShiftType = "time_shift_type"
        case stochasticSampling = "stochastic_sampling"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var config = FlowMatchEulerConfig()
        config.numTrainTimesteps = try Self.integer(c, .numTrainTimesteps) ?? config.numTrainTimesteps
        config.shift = try c.decodeIfPresent(Double.self, forKey: .shift) ?? config.shift
        config.useDynamicShifting = try c.decodeIfPresent(Bool.self, forKey: .useDynamicShifting) ?? false
        // null is a legal value for these two in diffusers (typed `float | None`)
        if c.contains(.baseShift) { config.baseShift = try c.decodeIfPresent(Double.self, forKey: .baseShift) }
        if c.contains(.maxShift) { config.maxShift = try c.decodeIfPresent(Double.self, forKey: .maxShift) }
        config.baseImageSeqLen = try Self.integer(c, .baseImageSeqLen) ?? config.baseImageSeqLen
        config.maxImageSeqLen = try Self.integer(c, .maxImageSeqLen) ?? config.maxImageSeqLen
        config.invertSigmas = try c.decodeIfPresent(Bool.self, forKey: .invertSigmas) ?? false
        config.shiftTerminal = try c.decodeIfPresent(Double.self, forKey: .shiftTerminal)
        config.useKarrasSigmas = try c.decodeIfPresent(Bool.self, forKey: .useKarrasSigmas) ?? false
        config.useExponentialSigmas = try c.decodeIfPresent(Bool.self, forKey: .useExponentialSigmas) ?? false
        config.useBetaSigmas = try c.decodeIfPresent(Bool.self, forKey: .useBetaSigmas) ?? false
        if let raw = try c.decodeIfPresent(String.self, forKey: .timeShiftType) {
            guard let type = TimeShiftType(rawValue: raw) else {
                throw SchedulerError("field 'time_shift_type' must be \"exponential\" or \"linear\" (got \"\(raw)\")")
            }
            config.timeShiftType = type
        }
        config.stochasticSampling = try c.decodeIfPresent(Bool.self, forKey: .stochasticSampling) ?? false
        try config.validate()
        self = config
    }

    /// Foundation reports a fractional value for an Int field without naming the field; say which one.
    private static func integer(_ c: KeyedDecodingContainer<Key>, _ key: Key) throws -> Int? {
        guard let value = try c.decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard value.rounded() == value, abs(value) < 1e15 else {
            throw SchedulerError("field '\(key.rawValue)' must be an integer (got \(value))")
        }
        return Int(value)
    }
}
