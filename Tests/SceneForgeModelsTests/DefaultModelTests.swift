import Foundation
import SceneForgeModels
import Testing

/// The one search order for "the model used when none is named" (generate, engine, workbench, batch).
struct DefaultModelTests {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/zimage/pipeline")

    @Test func environmentComesFirst() throws {
        let found = try DefaultModel.locate(environment: [DefaultModel.variable: fixture.path])
        #expect(found.path == fixture.path)
        let candidates = DefaultModel.candidates(environment: [DefaultModel.variable: "/somewhere/else"])
        #expect(candidates.first?.path == "/somewhere/else")
        #expect(candidates.count == 4)
        #expect(candidates.dropFirst().allSatisfy { $0.path.hasSuffix("models/default") })
    }

    @Test func aFolderWithoutModelIndexIsSkipped() {
        let candidates = DefaultModel.candidates(environment: [DefaultModel.variable: fixture.deletingLastPathComponent().path])
        // Tests/Fixtures/zimage holds no model_index.json itself: it must not be taken for a model.
        let located = try? DefaultModel.locate(environment: [DefaultModel.variable: fixture.deletingLastPathComponent().path])
        #expect(located?.path != candidates.first?.path)
    }

    @Test func noneTurnsTheDefaultOff() {
        #expect(DefaultModel.candidates(environment: [DefaultModel.variable: "none"]).isEmpty)
        #expect { try DefaultModel.locate(environment: [DefaultModel.variable: "none"]) } throws: { "\($0)".contains("SCENEFORGE_MODEL=none") }
    }

    @Test func theErrorSaysWhereItLooked() {
        let error = PipelineError.noDefaultModel(searched: ["/a/models/default", "/b/models/default"])
        #expect("\(error)".contains("/a/models/default"))
        #expect("\(error)".contains("SCENEFORGE_MODEL"))
    }
}
