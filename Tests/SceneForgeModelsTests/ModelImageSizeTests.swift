import Foundation
import SceneForgeModels
import Testing

/// The size a model draws when a request names none: `sample_size` in its transformer config (diffusers' DiT
/// convention, in latents) times the VAE's scale factor, else Z-Image's 1024x1024.
struct ModelImageSizeTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let embedded = tests.deletingLastPathComponent().appendingPathComponent("models/default")
    static let tinyFixture = tests.appendingPathComponent("Fixtures/zimage/pipeline")

    static func config(_ sampleSize: String) throws -> ZImageTransformerConfig {
        try ZImageTransformerConfig.decode(Data(#"{"dim": 64, "n_heads": 2, "axes_dims": [8, 12, 12], "sample_size": \#(sampleSize)}"#.utf8))
    }

    @Test func sampleSizeIsReadAsHeightAndWidthOrOneSide() throws {
        let portrait = try #require(try Self.config("[32, 16]").sampleSize)
        #expect(portrait.height == 32 && portrait.width == 16)
        let square = try #require(try Self.config("64").sampleSize)
        #expect(square.height == 64 && square.width == 64)
        #expect(try ZImageTransformerConfig.decode(Data(#"{"dim": 64, "n_heads": 2, "axes_dims": [8, 12, 12]}"#.utf8)).sampleSize == nil)
        for bad in ["[32]", "[0, 16]", "[-4, 8]", "[1, 2, 3]", "\"big\""] {
            #expect(throws: (any Error).self, "sample_size \(bad)") { try Self.config(bad) }
        }
        #expect { try Self.config("[0, 16]") } throws: { "\($0)".contains("sample_size") }
    }

    @Test func theEmbeddedModelDrawsItsOwnPortraitSizeAndZImageItsSquare() {
        let embedded = ModelImageSize.declared(byModelAt: Self.embedded)
        #expect(embedded?.width == 128 && embedded?.height == 256)
        // The tiny fixture's config, like the published Z-Image Turbo's, declares no size.
        #expect(ModelImageSize.declared(byModelAt: Self.tinyFixture) == nil)
        #expect(ModelImageSize.default(forModel: Self.tinyFixture.path) == ModelImageSize.zImageDefault)
        #expect(ModelImageSize.default(forModel: "") == (1024, 1024))
        #expect(ModelImageSize.default(forModel: "/no/such/model") == (1024, 1024))
    }

    /// A declared size no request could ask for (a hostile or mistaken config) is ignored, not passed on to fail later.
    @Test func anUnusableDeclaredSizeIsIgnored() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("model-size-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        for component in ["transformer", "vae"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(component), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.embedded.appendingPathComponent("\(component)/config.json"),
                                             to: folder.appendingPathComponent("\(component)/config.json"))
        }
        #expect(ModelImageSize.declared(byModelAt: folder)?.width == 128)
        let transformerConfig = folder.appendingPathComponent("transformer/config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: transformerConfig)) as? [String: Any])
        config["sample_size"] = [1024, 16]   // 8192 pixels high
        try JSONSerialization.data(withJSONObject: config).write(to: transformerConfig)
        #expect(ModelImageSize.declared(byModelAt: folder) == nil)
    }
}
