import Foundation
import SafeTensors
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// The tiny ControlNets (v1 in diffusers layout, v2.1 as a single file, and the same file read as v2.0)
/// against diffusers' ZImageControlNetModel: every hint and the transformer output with the hints added
/// (Tests/Fixtures/zimage_control, made by scripts/reference/make_zimage_control_fixtures.py).
struct ZImageControlNetTests {
    static let transformerFolder = Fixtures.url("zimage/pipeline/transformer")

    func transformer() throws -> ZImageTransformer { try ZImageTransformer.load(folder: Self.transformerFolder) }

    /// Runs the transformer with the ControlNet's hook on the fixture's inputs and checks hints and outputs.
    func check(_ controlnet: ZImageControlNet, name: String, transformer: ZImageTransformer) throws {
        let cases = try ComponentParity.Cases("zimage_control/cases.safetensors")
        let latents = try (0..<2).map { try cases("latents.\($0)") }
        let captions = try (0..<2).map { try cases("captions.\($0)") }
        let control = try (0..<2).map { try cases("\(name).control.\($0)") }
        var hints: [Int: Tensor] = [:]
        let outputs = try withNoGrad {
            try transformer.forward(latents: latents, timesteps: cases("timesteps"), captions: captions) { inputs in
                hints = try controlnet.hints(inputs, control: control, scale: 0.75)
                return hints
            }
        }
        #expect(hints.keys.sorted() == controlnet.config.controlLayersPlaces.sorted())
        for (layer, hint) in hints {
            try ComponentParity.expectClose(hint, cases("\(name).hint.\(layer)"), "\(name) hint \(layer)")
        }
        for i in 0..<2 {
            try ComponentParity.expectClose(outputs[i], cases("\(name).output.\(i)"), "\(name) output \(i)")
        }
    }

    /// A control region (ComfyUI's ControlNet mask) scales each image token's hints by its patch's weight and
    /// leaves the caption tokens' hints alone: all ones is no region at all, all zeros silences the image tokens.
    @Test func aRegionScalesTheImageTokensHintsOnly() throws {
        let transformer = try transformer()
        let cases = try ComponentParity.Cases("zimage_control/cases.safetensors")
        let latents = try (0..<2).map { try cases("latents.\($0)") }
        let captions = try (0..<2).map { try cases("captions.\($0)") }
        let nets = [("v1", try ZImageControlNet.load(Fixtures.url("zimage_control/controlnet_v1"), transformer: transformer.config)),
                    ("v2.1", try ZImageControlNet.load(Fixtures.url("zimage_control/controlnet_v2.safetensors"), transformer: transformer.config))]
        for (name, net) in nets {
            let control = try (0..<2).map { try cases("\(name).control.\($0)") }
            func hints(_ weight: Double?) throws -> (hints: [Int: Tensor], imageLengths: [Int], captions: [(start: Int, length: Int)]) {
                let regions = try weight.map { w in try latents.map { try Tensor.full([1, $0.size(1), $0.size(2), $0.size(3)], w) } }
                var out: [Int: Tensor] = [:], imageLengths: [Int] = [], captionSpans: [(start: Int, length: Int)] = []
                _ = try withNoGrad {
                    try transformer.forward(latents: latents, timesteps: cases("timesteps"), captions: captions) { inputs in
                        out = try net.hints(inputs, control: control, scale: 0.75, regions: regions)
                        imageLengths = inputs.embedded.layouts.map(\.imageLength)
                        captionSpans = inputs.embedded.layouts.map { ($0.paddedImageLength, $0.captionLength) }
                        return out
                    }
                }
                return (out, imageLengths, captionSpans)
            }
            let full = try hints(nil), ones = try hints(1), silent = try hints(0), half = try hints(0.5)
            for (layer, hint) in full.hints {
                try ComponentParity.expectClose(try #require(ones.hints[layer]), hint, "\(name) hint \(layer), region of ones")
                for i in 0..<2 {
                    func image(_ h: Tensor) throws -> Tensor { try h.narrow(dim: 0, start: i, length: 1).narrow(dim: 1, start: 0, length: full.imageLengths[i]) }
                    func caption(_ h: Tensor) throws -> Tensor {
                        try h.narrow(dim: 0, start: i, length: 1).narrow(dim: 1, start: full.captions[i].start, length: full.captions[i].length)
                    }
                    #expect(try image(try #require(silent.hints[layer])).abs().max().item() == 0, "\(name) layer \(layer) sample \(i)")
                    #expect(try image(hint).abs().max().item() > 0)
                    // v1's hints are linear in the weight; v2's refiner hints also change the stream its layers compare against.
                    if name == "v1" {
                        try ComponentParity.expectClose(try image(try #require(half.hints[layer])), try image(hint) * 0.5, "\(name) image tokens at 0.5")
                        try ComponentParity.expectClose(try caption(try #require(half.hints[layer])), try caption(hint), "\(name) caption tokens at 0.5")
                    }
                }
            }
        }
    }

    @Test func version1FolderMatchesDiffusers() throws {
        let transformer = try transformer()
        let net = try ZImageControlNet.load(Fixtures.url("zimage_control/controlnet_v1"), transformer: transformer.config)
        #expect(net.config.versionName == "v1")
        try check(net, name: "v1", transformer: transformer)
    }

    @Test func version21SingleFileMatchesDiffusers() throws {
        let transformer = try transformer()
        let net = try ZImageControlNet.load(Fixtures.url("zimage_control/controlnet_v2.safetensors"),
                                            transformer: transformer.config)
        #expect(net.config.versionName == "v2.1")
        #expect(net.config.controlInDim == 33)
        #expect(net.config.controlLayersPlaces == [0, 1])
        #expect(net.config.controlRefinerLayersPlaces == [0, 1])
        try check(net, name: "v2.1", transformer: transformer)
    }

    /// A 2.0 file: the same tensors with a zero `control_noise_refiner.0.before_proj` (what diffusers' detection
    /// reads as 2.0), so the refiner hints come from the control layers and the refiner blocks are ignored.
    @Test func version20SingleFileMatchesDiffusers() throws {
        let transformer = try transformer()
        let folder = try ComponentParity.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("Z-Image-Turbo-Fun-Controlnet-Union-2.0.safetensors")
        let source = try SafeTensorsCheckpoint(url: Fixtures.url("zimage_control/controlnet_v2.safetensors"))
        try ComponentParity.rewrite(source, to: file, rename: { $0.hasPrefix("control_noise_refiner.0.before_proj") ? nil : $0 },
                                    extra: ["control_noise_refiner.0.before_proj.weight": [64, 64],
                                            "control_noise_refiner.0.before_proj.bias": [64]])
        let net = try ZImageControlNet.load(file, transformer: transformer.config)
        #expect(net.config.versionName == "v2.0")
        try check(net, name: "v2.0", transformer: transformer)
    }

    @Test func badCheckpointsAndInputsGiveClearErrors() throws {
        let transformer = try transformer()
        let folder = try ComponentParity.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // An extra key is named.
        let extra = folder.appendingPathComponent("extra.safetensors")
        let source = try SafeTensorsCheckpoint(url: Fixtures.url("zimage_control/controlnet_v2.safetensors"))
        try ComponentParity.rewrite(source, to: extra, extra: ["control_layers.0.surprise": [2]])
        let message = ComponentParity.message { _ = try ZImageControlNet.load(extra, transformer: transformer.config) }
        #expect(message?.contains("control_layers.0.surprise") == true, "\(message ?? "no error")")
        // A transformer file is not a ControlNet.
        let notControl = ComponentParity.message {
            _ = try ZImageControlNet.load(Self.transformerFolder.appendingPathComponent("diffusion_pytorch_model.safetensors"),
                                          transformer: transformer.config)
        }
        #expect(notControl?.contains("not a Z-Image ControlNet") == true, "\(notControl ?? "no error")")
        // A config whose width differs from the transformer's names the field.
        var wider = transformer.config
        wider.dim = 128
        wider.axesDims = [8, 12, 12]
        let mismatch = ComponentParity.message {
            _ = try ZImageControlNet.load(Fixtures.url("zimage_control/controlnet_v1"), transformer: wider)
        }
        #expect(mismatch?.contains("'dim'") == true, "\(mismatch ?? "no error")")
        // Control latents of the wrong channel count.
        let net = try ZImageControlNet.load(Fixtures.url("zimage_control/controlnet_v1"), transformer: transformer.config)
        let latent = try Tensor.zeros([16, 1, 4, 4])
        let wrong = ComponentParity.message {
            _ = try transformer.forward(latents: [latent], timesteps: Tensor.full([1], 0.5), captions: [Tensor.zeros([3, 32])]) {
                try net.hints($0, control: [Tensor.zeros([33, 1, 4, 4])], scale: 1)
            }
        }
        #expect(wrong?.contains("control_in_dim 16") == true, "\(wrong ?? "no error")")
    }
}
