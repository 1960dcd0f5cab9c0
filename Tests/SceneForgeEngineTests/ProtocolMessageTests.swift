import Foundation
@testable import SceneForgeEngine
import Testing

struct ProtocolMessageTests {
    func decode(_ text: String) throws -> RequestLine {
        try ProtocolCodec.decodeRequest(Data(text.utf8))
    }

    func refusal(_ text: String) -> ProtocolError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error as? ProtocolError
        }
    }

    @Test func requestsRoundTripThroughTheirJSONLines() throws {
        let requests: [RequestLine] = [
            RequestLine(id: "1", .hello(HelloRequest(client: "tui"))),
            RequestLine(.load(LoadRequest(model: "scheduled-noise", dtype: "bf16", device: "cuda:0"))),
            RequestLine(id: "u", .unload),
            RequestLine(id: "s", .submit(JobSpec(id: "j", prompt: "优惠券弹窗", negativePrompt: "blur", width: 720, height: 1440,
                                                  steps: 8, guidance: 0, seed: 9, previewEverySteps: 2,
                                                  extras: ["mask": .string("m.png"), "strength": .double(0.6)]))),
            RequestLine(.cancel(job: "j")),
            RequestLine(.decodePreview(job: "j")),
            RequestLine(.queue), RequestLine(.status), RequestLine(id: "bye", .shutdown(drain: true)),
        ]
        for request in requests {
            let line = try ProtocolCodec.encodeLine(request)
            #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
            #expect(try ProtocolCodec.decodeRequest(line.dropLast()) == request)
        }
    }

    @Test func theWireFormatUsesSnakeCaseAndKeepsExtrasKeysAsGiven() throws {
        let line = try decode(#"{"type":"submit","job":{"prompt":"p","negative_prompt":"n","preview_every_steps":3,"extras":{"controlLayout":1,"mask_path":"m"}}}"#)
        guard case .submit(let job) = line.request else { Issue.record("not a submit"); return }
        #expect(job.negativePrompt == "n" && job.previewEverySteps == 3)
        #expect(job.extras == ["controlLayout": .int(1), "mask_path": .string("m")])
    }

    /// Found by the libFuzzer target: 333333333333300129.04242 is the double 3.3333333333330016e+17, which is
    /// integral and came back from its own encoding as an integer.
    @Test func extrasNumbersSurviveARoundTrip() throws {
        let line = try decode(#"{"type":"submit","job":{"prompt":"p","extras":{"x":[333333333333300129.04242,1.0,0.5,-7]}}}"#)
        let again = try ProtocolCodec.decodeRequest(try ProtocolCodec.encodeLine(line).dropLast())
        #expect(again == line)
        guard case .submit(let job) = line.request else { return }
        #expect(job.extras?["x"] == .array([.int(333_333_333_333_300_160), .int(1), .double(0.5), .int(-7)]))
    }

    @Test func refusalsNameTheFieldAndTheProblem() {
        #expect(refusal("not json")?.code == .malformedJSON)
        #expect(refusal("[1,2]")?.code == .malformedJSON)
        #expect(refusal(#"{"id":"x"}"#)?.message == "missing field 'type'")
        #expect(refusal(#"{"type":"fly"}"#)?.code == .unknownType)
        #expect(refusal(#"{"type":"submit"}"#)?.message == "missing field 'job'")
        #expect(refusal(#"{"type":"submit","job":{}}"#)?.message == "missing field 'job.prompt'")
        let width = refusal(#"{"type":"submit","job":{"prompt":"p","width":"wide"}}"#)
        #expect(width?.code == .invalidField && width?.message.hasPrefix("field 'job.width' must be an integer") == true)
        let fraction = refusal(#"{"type":"submit","job":{"prompt":"p","steps":2.5}}"#)
        #expect(fraction?.message.hasPrefix("field 'job.steps'") == true)
        #expect(refusal(#"{"type":"submit","job":{"prompt":"p","seed":-1}}"#)?.message.hasPrefix("field 'job.seed'") == true)
        #expect(refusal(#"{"type":"cancel","job":5}"#)?.message.hasPrefix("field 'job' must be a string") == true)
        #expect(refusal(#"{"type":"hello","protocol":null}"#)?.message == "missing field 'protocol' (an integer)")
        #expect(refusal(#"{"type":"hello","protocol":"1"}"#)?.message == "field 'protocol' must be an integer (got a string)")
        #expect(refusal(#"{"type":"submit","job":{"prompt":"p","width":1e30}}"#)?.message.hasPrefix("field 'job.width'") == true)
    }

    @Test func theValidatorFillsDefaultsAndChecksRanges() throws {
        let validator = JobValidator(defaultModel: "scheduled-noise", outputDirectory: "/out", cudaDevices: 0)
        let job = try validator.validate(JobSpec(prompt: "p"), assignedID: "job-1")
        #expect(job.id == "job-1" && job.width == 1024 && job.height == 1024 && job.steps == 8)
        #expect(job.device == .cpu && job.dtype == .float32 && job.outputPath == "/out/job-1.png")
        #expect(job.model == "scheduled-noise" && job.preview == .throttled(minimumInterval: 0.1, size: 64))
        #expect(job.seed < 1 << 53)

        func problem(_ spec: JobSpec) -> String? {
            do { _ = try validator.validate(spec, assignedID: "x"); return nil } catch { return (error as? ProtocolError)?.message }
        }
        #expect(problem(JobSpec(prompt: "p", width: 1000))?.contains("job.width") == true)
        #expect(problem(JobSpec(prompt: "p", height: 8192))?.contains("job.height") == true)
        #expect(problem(JobSpec(prompt: "p", steps: 0))?.contains("job.steps") == true)
        #expect(problem(JobSpec(prompt: "p", guidance: -1))?.contains("job.guidance") == true)
        #expect(problem(JobSpec(prompt: "p", seed: UInt64.max))?.contains("job.seed") == true)
        #expect(problem(JobSpec(prompt: "p", device: "cuda:0"))?.contains("0 CUDA device") == true)
        #expect(problem(JobSpec(prompt: "p", dtype: "int64"))?.contains("job.dtype") == true)
        #expect(problem(JobSpec(id: "../etc", prompt: "p"))?.contains("job.id") == true)
        #expect(problem(JobSpec(prompt: "p", previewEverySteps: -2))?.contains("job.preview_every_steps") == true)
        #expect(try validator.validate(JobSpec(prompt: "p", previewEverySteps: 0), assignedID: "x").preview == .off)
    }

    @Test func aJobNamingNoSizeGetsItsModelsOwn() throws {
        let validator = JobValidator(defaultModel: "small", outputDirectory: "/out", cudaDevices: 0,
                                     defaultSize: { $0 == "small" ? (128, 256) : (1024, 1024) })
        let own = try validator.validate(JobSpec(prompt: "p"), assignedID: "a")
        #expect(own.width == 128 && own.height == 256)
        let widthGiven = try validator.validate(JobSpec(prompt: "p", width: 64), assignedID: "b")
        #expect(widthGiven.width == 64 && widthGiven.height == 256)
        let other = try validator.validate(JobSpec(prompt: "p", model: "big"), assignedID: "c")
        #expect(other.width == 1024 && other.height == 1024)
        let given = try validator.validate(JobSpec(prompt: "p", width: 96, height: 64), assignedID: "d")
        #expect(given.width == 96 && given.height == 64)
    }

    @Test func eventsOmitAbsentFieldsAndDecodeBack() throws {
        let sample = MemorySample(job: nil, step: nil, gpus: nil, allocator: nil,
                                  process: .init(rssBytes: 10, peakRssBytes: 20), system: .init(totalBytes: 100, availableBytes: 50))
        let line = try ProtocolCodec.encodeLine(EngineEvent.memory(sample))
        let text = String(decoding: line, as: UTF8.self)
        #expect(text == #"{"process":{"peak_rss_bytes":20,"rss_bytes":10},"system":{"available_bytes":50,"total_bytes":100},"type":"memory"}"# + "\n")
        #expect(try ProtocolCodec.makeDecoder().decode(EngineEvent.self, from: line) == .memory(sample))
        // An event type from a newer engine is kept, not dropped.
        let future = try ProtocolCodec.makeDecoder().decode(EngineEvent.self, from: Data(#"{"type":"thermal","celsius":80}"#.utf8))
        #expect(future.type == "thermal")
    }

    @Test func absentNVMLIsANormalState() {
        #expect(NVML.open(path: "/nonexistent/libnvidia-ml.so.1") == nil)
        // Without NVML (and without a CUDA shim) a sample has no GPU fields at all, not zeros.
        let telemetry = MemoryTelemetry()
        if !telemetry.hasNVML {
            let sample = telemetry.sample()
            #expect(sample.gpus == nil)
        }
    }

    @Test func procMemoryParsesKilobyteFields() {
        let fields = ProcMemory.parseKilobyteFields("Name:\tsceneforge\nVmHWM:\t  2048 kB\nVmRSS:\t    1024 kB\nThreads:\t4\n")
        #expect(fields == ["VmHWM": 2048 * 1024, "VmRSS": 1024 * 1024])
        #expect((ProcMemory.process()?.rssBytes ?? 0) > 0)
        #expect((ProcMemory.system()?.totalBytes ?? 0) > 0)
    }
}
