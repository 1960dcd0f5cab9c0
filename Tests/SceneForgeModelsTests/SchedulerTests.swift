import Foundation
import Testing
@testable import SceneForgeModels

/// scheduler.json is written by scripts/reference/make_zimage_fixtures.py from diffusers 0.42.1.
private struct SchedulerFixture: Decodable {
    struct Case: Decodable {
        let name: String
        let config: [String: JSONValue]
        let num_inference_steps: Int
        let mu: Double?
        let custom_sigmas: [Double]?
        let timesteps: [Double]
        let sigmas: [Double]
    }
    struct NonFinite: Decodable {
        let name: String
        let config: [String: JSONValue]
        let num_inference_steps: Int
        let mu: Double?
        let custom_sigmas: [Double]?
    }
    struct Shift: Decodable {
        let image_seq_len: Int, base_seq_len: Int, max_seq_len: Int
        let base_shift: Double, max_shift: Double, mu: Double
    }
    struct DefaultSigmas: Decodable {
        let num_inference_steps: Int
        let sigmas: [Double]
    }
    struct ModelTimesteps: Decodable {
        let timesteps: [Double]
        let model_t: [Double]
    }
    let cases: [Case]
    let non_finite_cases: [NonFinite]
    let calculate_shift: [Shift]
    let default_sigmas: [DefaultSigmas]
    let model_timesteps: [ModelTimesteps]

    static func load() throws -> SchedulerFixture {
        let data = try Data(contentsOf: Fixtures.url("zimage/scheduler.json"))
        return try JSONDecoder().decode(SchedulerFixture.self, from: data)
    }
}

/// Just enough JSON to re-encode a case's config and feed it through the real decoder.
private enum JSONValue: Codable {
    case bool(Bool), number(Double), string(String), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else { self = .string(try c.decode(String.self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .null: try c.encodeNil()
        }
    }
}

private func config(_ raw: [String: JSONValue]) throws -> FlowMatchEulerConfig {
    try FlowMatchEulerConfig.decode(try JSONEncoder().encode(raw), source: "fixture")
}

private let tolerance = 1e-6

/// Largest |a - b|; timesteps are compared as fractions of num_train_timesteps.
private func maxDiff(_ a: [Float], _ b: [Double], scale: Double = 1) -> Double {
    zip(a, b).map { abs(Double($0) - $1) / scale }.max() ?? 0
}

@Suite struct SchedulerTests {
    @Test func schedulesMatchDiffusers() throws {
        let fixture = try SchedulerFixture.load()
        #expect(fixture.cases.count > 100)
        for c in fixture.cases {
            let cfg = try config(c.config)
            var scheduler = try FlowMatchEulerDiscreteScheduler(config: cfg)
            try scheduler.setTimesteps(numInferenceSteps: c.num_inference_steps, mu: c.mu, sigmas: c.custom_sigmas)
            #expect(scheduler.sigmas.count == c.sigmas.count, "\(c.name)")
            #expect(scheduler.timesteps.count == c.timesteps.count, "\(c.name)")
            #expect(maxDiff(scheduler.sigmas, c.sigmas) <= tolerance, "\(c.name) sigmas")
            let train = Double(cfg.numTrainTimesteps)
            #expect(maxDiff(scheduler.timesteps, c.timesteps, scale: train) <= tolerance, "\(c.name) timesteps")
            #expect(scheduler.numInferenceSteps == c.num_inference_steps)
        }
    }

    @Test func zImageTurboPipelineSchedules() throws {
        let fixture = try SchedulerFixture.load()
        for steps in [1, 4, 8, 9, 50] {
            let expected = try #require(fixture.cases.first { $0.name == "turbo_pipeline_n\(steps)_mu0.5" })
            let sigmas = try ZImageSchedule.defaultSigmas(numInferenceSteps: steps)
            #expect(zip(sigmas, expected.custom_sigmas ?? []).allSatisfy { abs($0 - $1) <= tolerance })
            // 64x96 latents -> 32*48 tokens; mu is computed but the Turbo config ignores it (static shift).
            let scheduler = try ZImageSchedule.scheduler(config: .zImageTurbo, numInferenceSteps: steps,
                                                         latentHeight: 64, latentWidth: 96)
            #expect(maxDiff(scheduler.sigmas, expected.sigmas) <= tolerance)
            #expect(scheduler.steps.count == steps)
            #expect(scheduler.sigmas.first == 1 && scheduler.sigmas.last == 0)
        }
    }

    @Test func calculateShiftMatchesPipeline() throws {
        for s in try SchedulerFixture.load().calculate_shift {
            let mu = ZImageSchedule.calculateShift(imageSeqLen: s.image_seq_len, baseSeqLen: s.base_seq_len,
                                                   maxSeqLen: s.max_seq_len, baseShift: s.base_shift,
                                                   maxShift: s.max_shift)
            #expect(abs(mu - s.mu) <= 1e-12, "seq \(s.image_seq_len)")
        }
    }

    @Test func defaultSigmasMatchTorchLinspace() throws {
        for d in try SchedulerFixture.load().default_sigmas {
            let sigmas = try ZImageSchedule.defaultSigmas(numInferenceSteps: d.num_inference_steps)
            #expect(sigmas.count == d.sigmas.count)
            #expect(zip(sigmas, d.sigmas).allSatisfy { abs($0 - $1) <= 1e-7 }, "n=\(d.num_inference_steps)")
        }
    }

    @Test func modelTimestepIsNormalizedComplement() throws {
        for m in try SchedulerFixture.load().model_timesteps {
            for (t, expected) in zip(m.timesteps, m.model_t) {
                #expect(Double(ZImageSchedule.modelTimestep(Float(t))) == expected)
            }
        }
    }

    @Test func eulerStepMovesByDt() throws {
        var scheduler = try FlowMatchEulerDiscreteScheduler(config: .zImageTurbo)
        try scheduler.setTimesteps(sigmas: try ZImageSchedule.defaultSigmas(numInferenceSteps: 4))
        let step = try scheduler.step(at: 1)
        #expect(step.dt == step.sigmaNext - step.sigma && step.dt < 0)
        let next = try scheduler.step(modelOutput: [1, -2, 0.5], sample: [0.25, 1, -1], at: 1)
        #expect(next == [0.25 + step.dt * 1, 1 + step.dt * -2, -1 + step.dt * 0.5])
        // Integrating a constant velocity over the whole schedule moves sigma from 1 to 0.
        var x: [Float] = [0]
        for s in scheduler.steps { x = try scheduler.step(modelOutput: [1], sample: x, at: s.index) }
        #expect(abs(x[0] + 1) < 1e-6)
        #expect(throws: SchedulerError.self) { try scheduler.step(at: 4) }
        #expect(throws: SchedulerError.self) { try scheduler.step(modelOutput: [1], sample: [1, 2], at: 0) }
    }

    @Test func guidanceSwitch() {
        #expect(!ZImageSchedule.appliesGuidance(guidanceScale: 0, timestep: 500))
        #expect(ZImageSchedule.appliesGuidance(guidanceScale: 0.5, timestep: 500))
        #expect(!ZImageSchedule.appliesGuidance(guidanceScale: 4, cfgTruncation: 0.3, timestep: 500))
        #expect(ZImageSchedule.appliesGuidance(guidanceScale: 4, cfgTruncation: 0.6, timestep: 500))
    }

    @Test func nonFiniteDiffusersSchedulesAreRefused() throws {
        let fixture = try SchedulerFixture.load()
        #expect(!fixture.non_finite_cases.isEmpty)
        for c in fixture.non_finite_cases {
            var scheduler = try FlowMatchEulerDiscreteScheduler(config: try config(c.config))
            #expect(throws: SchedulerError.self, "\(c.name)") {
                try scheduler.setTimesteps(numInferenceSteps: c.num_inference_steps, mu: c.mu, sigmas: c.custom_sigmas)
            }
        }
    }

    @Test func publishedTurboConfigDecodes() throws {
        let url = Fixtures.url("zimage/pipeline/scheduler/scheduler_config.json")
        let cfg = try FlowMatchEulerConfig.load(contentsOf: url)
        #expect(cfg == .zImageTurbo)
        let minimal = #"{"_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000, "shift": 3.0, "use_dynamic_shifting": false, "future_key": [1, 2]}"#
        #expect(try FlowMatchEulerConfig.decode(Data(minimal.utf8)) == .zImageTurbo)
        let nulls = #"{"base_shift": null, "max_shift": null, "shift_terminal": null}"#
        let decoded = try FlowMatchEulerConfig.decode(Data(nulls.utf8))
        #expect(decoded.baseShift == nil && decoded.maxShift == nil && decoded.shiftTerminal == nil)
    }
}

@Suite struct SchedulerConfigErrorTests {
    private func message(_ json: String) -> String? {
        do {
            _ = try FlowMatchEulerConfig.decode(Data(json.utf8), source: "scheduler_config.json")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        (#"{"shift": "three"}"#, "shift"),
        (#"{"num_train_timesteps": 1.5}"#, "num_train_timesteps"),
        (#"{"num_train_timesteps": 0}"#, "num_train_timesteps"),
        (#"{"shift": -1}"#, "shift"),
        (#"{"use_dynamic_shifting": "yes"}"#, "use_dynamic_shifting"),
        (#"{"time_shift_type": "cosine"}"#, "time_shift_type"),
        (#"{"use_karras_sigmas": true, "use_exponential_sigmas": true}"#, "use_karras_sigmas"),
        (#"{"use_beta_sigmas": true}"#, "use_beta_sigmas"),
        (#"{"stochastic_sampling": true}"#, "stochastic_sampling"),
        (#"{"shift_terminal": 1.5}"#, "shift_terminal"),
        (#"{"shift": 3.0,"#, "not valid JSON"),
        (#"[1, 2]"#, "scheduler_config.json"),
    ])
    func malformedConfigsNameTheProblem(json: String, expected: String) throws {
        let text = try #require(message(json), "accepted: \(json)")
        #expect(text.contains("scheduler_config.json"), "\(text)")
        #expect(text.contains(expected), "\(text)")
    }

    @Test func missingFileIsReported() {
        #expect(throws: ModelConfigError.self) {
            try FlowMatchEulerConfig.load(contentsOf: URL(fileURLWithPath: "/nonexistent/scheduler_config.json"))
        }
    }

    @Test func setTimestepsRejectsBadRequests() throws {
        var turbo = try FlowMatchEulerDiscreteScheduler(config: .zImageTurbo)
        #expect(throws: SchedulerError.self) { try turbo.setTimesteps() }
        #expect(throws: SchedulerError.self) { try turbo.setTimesteps(numInferenceSteps: 0) }
        #expect(throws: SchedulerError.self) { try turbo.setTimesteps(numInferenceSteps: 3, sigmas: [1, 0.5]) }
        #expect(throws: SchedulerError.self) { try turbo.setTimesteps(sigmas: [1, .nan]) }
        #expect(throws: SchedulerError.self) { try ZImageSchedule.defaultSigmas(numInferenceSteps: 0) }
        var dynamic = FlowMatchEulerConfig()
        dynamic.useDynamicShifting = true
        var scheduler = try FlowMatchEulerDiscreteScheduler(config: dynamic)
        #expect(throws: SchedulerError.self) { try scheduler.setTimesteps(numInferenceSteps: 4) }
        #expect(throws: SchedulerError.self) { try scheduler.setTimesteps(numInferenceSteps: 4, mu: .infinity) }
    }
}
