import Foundation
import Testing
@testable import SceneForgeScenes

/// Byte-exact goldens for a few layouts at small sizes, stored as PPM (RGB) / PGM (grey) under
/// Tests/Fixtures/scenes/golden/. They were generated once and inspected by eye (converted to PNG).
///
/// To regenerate after an intended rendering change:
///     SCENEFORGE_UPDATE_GOLDENS=1 swift test --filter SceneForgeScenesTests.RasterGoldenTests
/// then look at every changed image before committing it.
@Suite struct RasterGoldenTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let layout: String
        let width: Int
        let height: Int
        let variant: String
        var fileName: String { "\(layout)_\(width)x\(height)_\(variant).\(variant.hasPrefix("mask") ? "pgm" : "ppm")" }
        var testDescription: String { fileName }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        for variant in ["edges", "segmentation", "mask", "mask_d3f4"] {
            cases.append(Case(layout: "centre_modal", width: 90, height: 195, variant: variant))
        }
        for layout in ["toast", "network_error", "sold_out_button"] {
            for variant in ["edges", "segmentation", "mask"] {
                cases.append(Case(layout: layout, width: 64, height: 128, variant: variant))
            }
        }
        return cases
    }()

    static var updating: Bool { ProcessInfo.processInfo.environment["SCENEFORGE_UPDATE_GOLDENS"] == "1" }

    static func render(_ testCase: Case) throws -> RasterImage {
        let layout = try #require(try SceneCatalog.builtIn().layout(id: testCase.layout))
        let rasterizer = try LayoutRasterizer(layout: layout, width: testCase.width, height: testCase.height)
        switch testCase.variant {
        case "edges": return try rasterizer.controlImage(style: .edges)
        case "segmentation": return try rasterizer.controlImage(style: .segmentation)
        case "mask": return try rasterizer.inpaintingMask()
        default: return try rasterizer.inpaintingMask(MaskOptions(dilation: 3, feather: 4))
        }
    }

    @Test(arguments: cases)
    func matchesGolden(_ testCase: Case) throws {
        let image = try Self.render(testCase)
        let url = FixturePaths.golden.appendingPathComponent(testCase.fileName)
        if Self.updating {
            try Netpbm.encode(image).write(to: url)
            return
        }
        let golden = try Netpbm.decode(try Data(contentsOf: url))
        #expect(golden.width == image.width && golden.height == image.height && golden.channels == image.channels)
        let differing = zip(golden.pixels, image.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(testCase.fileName): \(differing) bytes differ from the golden")
    }
}
