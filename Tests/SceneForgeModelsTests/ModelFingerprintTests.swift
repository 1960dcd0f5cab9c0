import Foundation
import Testing
@testable import SceneForgeModels

struct ModelFingerprintTests {
    /// A retrained model keeps its configs and safetensors headers; the sampled weight bytes must tell it apart.
    @Test func retrainedWeightsChangeTheFingerprintAndACopyKeepsIt() throws {
        let source = Fixtures.url("zimage/pipeline")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-fingerprint-\(getpid())-\(UUID().uuidString.prefix(6))")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: source, to: copy)
        #expect(ModelFingerprint.of(folder: copy) == ModelFingerprint.of(folder: source))

        // Change the last weight byte of the transformer: same size, same header, other values.
        let weights = copy.appendingPathComponent("transformer/diffusion_pytorch_model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: weights)
        #expect(ModelFingerprint.of(folder: copy) != ModelFingerprint.of(folder: source))
    }
}
