import ArgumentParser
import Foundation
import SceneForgeScenes

/// `sceneforge-bench raster`: milliseconds per control image and mask for every built-in layout,
/// against a reference measured in the same run: allocating and filling an RGB buffer of the same
/// size (the floor any rasteriser pays).
struct RasterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raster", abstract: "Layout rasteriser: ms per image (edges, segmentation, mask) vs a buffer fill.")

    @Option(help: "Image width in pixels.") var width = 1024
    @Option(help: "Image height in pixels.") var height = 2048
    @Option(help: "Renders per layout and output.") var iterations = 5
    @Option(help: "Also write every layout's images here as PPM/PGM, for looking at.") var dumpDir: String?

    func run() throws {
        let catalog = try SceneCatalog.builtIn()
        let size = try RasterSize(width: width, height: height)
        let reference = Timing.meanMilliseconds(iterations * catalog.layouts.count) {
            var buffer = [UInt8](repeating: 0, count: size.width * size.height * 3)
            buffer.withUnsafeMutableBytes { bytes in if let base = bytes.baseAddress { memset(base, 255, bytes.count) } }
            Timing.keep(buffer[buffer.count / 2])
        }
        print("raster \(size), \(catalog.layouts.count) layouts x \(iterations) iterations")
        print(String(format: "  reference (alloc + fill RGB buffer): %.3f ms", reference))
        let outputs: [(String, (LayoutRasterizer) throws -> RasterImage)] = [
            ("edges", { try $0.controlImage(style: .edges) }),
            ("segmentation", { try $0.controlImage(style: .segmentation) }),
            ("mask", { try $0.inpaintingMask() }),
            ("mask d8 f16", { try $0.inpaintingMask(MaskOptions(dilation: 8, feather: 16)) }),
        ]
        for (name, render) in outputs {
            var worst = 0.0, total = 0.0
            for layout in catalog.layouts {
                let rasterizer = LayoutRasterizer(layout: layout, size: size)
                var failure: Error?
                let ms = Timing.meanMilliseconds(iterations) {
                    do { Timing.keep(try render(rasterizer).pixels[0]) } catch { failure = error }
                }
                if let failure { throw failure }
                total += ms
                worst = max(worst, ms)
            }
            let mean = total / Double(catalog.layouts.count)
            let label = name.padding(toLength: 13, withPad: " ", startingAt: 0)
            print("  \(label)" + String(format: " mean %.3f ms  worst %.3f ms  (%.1fx reference)", mean, worst, mean / reference))
        }
        if let dumpDir { try dump(catalog, size: size, to: URL(fileURLWithPath: dumpDir)) }
    }

    private func dump(_ catalog: SceneCatalog, size: RasterSize, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for layout in catalog.layouts {
            let r = LayoutRasterizer(layout: layout, size: size)
            try Netpbm.encode(try r.controlImage(style: .edges)).write(to: folder.appendingPathComponent("\(layout.id)_edges.ppm"))
            try Netpbm.encode(try r.controlImage(style: .segmentation)).write(to: folder.appendingPathComponent("\(layout.id)_segmentation.ppm"))
            try Netpbm.encode(try r.inpaintingMask()).write(to: folder.appendingPathComponent("\(layout.id)_mask.pgm"))
        }
        print("  wrote \(catalog.layouts.count * 3) images to \(folder.path)")
    }
}
