import Foundation
import SceneForgeEngine
import SceneForgeImaging
import Testing

/// `cfg_truncation` / `cfg_normalization` job extras on the tiny Z-Image fixture: they change a guided run, are
/// recorded so `generate --from` makes the same pixels, and bad values fail the job with the field named.
@Suite(.serialized)
struct GuidanceShapingTests {
    static func job(guidance: Double, _ extras: [String: JSONValue] = [:]) -> GenerationJob {
        GenerationJob(id: "shaped", prompt: ZImageEngineTests.prompt, negativePrompt: "blurry", width: 64, height: 32, steps: 4,
                      guidance: guidance, seed: 7, outputPath: "", extras: extras)
    }

    @Test func truncationGuidesOnlyTheEarlyStepsAndIsRecorded() throws {
        let generator = try ZImageGenerator(folder: URL(fileURLWithPath: tinyZImageFolder), dtype: .float32, device: .cpu)
        func image(_ job: GenerationJob) throws -> GenerationResult { try generator.generate(job) { _, _ in true } }
        let unguided = try image(Self.job(guidance: 0)), guided = try image(Self.job(guidance: 3))
        // 4 steps at shift 3: progress 0, 0.1, 0.25, 0.5 at each step's start, so 0.2 guides the first two.
        let truncated = try image(Self.job(guidance: 3, ["cfg_truncation": .double(0.2)]))
        #expect(guided.image != unguided.image)
        #expect(truncated.image != guided.image && truncated.image != unguided.image)
        #expect(truncated.record.extra["cfgTruncation"] == "0.2" && guided.record.extra["cfgTruncation"] == nil)
        #expect(truncated.usedExtras.contains("cfg_truncation"))
        // Truncated at 0 only the first step is guided; a cap at the prompt's own norm changes the guided run too.
        #expect(try image(Self.job(guidance: 3, ["cfg_truncation": .double(0)])).image != truncated.image)
        let capped = try image(Self.job(guidance: 3, ["cfg_normalization": .double(1)]))
        #expect(capped.image != guided.image && capped.record.extra["cfgNormalization"] == "1.0")
        #expect(try ZImageEngineTests.regenerated(truncated) == truncated.image)
    }

    @Test func badShapingValuesNameTheField() throws {
        let generator = try ZImageGenerator(folder: URL(fileURLWithPath: tinyZImageFolder), dtype: .float32, device: .cpu)
        let cases: [([String: JSONValue], String)] = [
            (["cfg_truncation": .double(1.5)], "cfg truncation"), (["cfg_truncation": .double(-0.1)], "cfg truncation"),
            (["cfg_truncation": .string("early")], "job.extras.cfg_truncation"),
            (["cfg_normalization": .double(-1)], "cfg normalization"),
        ]
        for (extras, expected) in cases {
            #expect { try generator.generate(Self.job(guidance: 2, extras)) { _, _ in true } }
                throws: { "\($0)".contains(expected) }
        }
    }
}
