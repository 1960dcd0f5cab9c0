import ArgumentParser
import Foundation
import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth

/// `sceneforge-bench render`: milliseconds per procedural screen over every built-in layout and
/// style, against a reference measured in the same run: allocating and filling an RGBA buffer of
/// the same size (the floor any renderer pays).
struct RenderBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Procedural screen renderer: ms per screen and per training sample vs a buffer fill.")

    @Option(help: "Image width in pixels.") var width = 128
    @Option(help: "Image height in pixels.") var height = 256
    @Option(help: "Seeds per layout and style.") var seeds = 3

    func run() throws {
        let layouts = try SceneCatalog.builtIn().layouts
        let styles = AppStyle.builtIn
        let count = layouts.count * styles.count * seeds
        let reference = Timing.meanMilliseconds(count) {
            var buffer = [UInt8](repeating: 0, count: width * height * 4)
            buffer.withUnsafeMutableBytes { bytes in if let base = bytes.baseAddress { memset(base, 255, bytes.count) } }
            Timing.keep(buffer[buffer.count / 2])
        }
        print("render \(width)x\(height), \(layouts.count) layouts x \(styles.count) styles x \(seeds) seeds = \(count) screens")
        print(String(format: "  reference (alloc + fill RGBA buffer): %.4f ms", reference))
        var worst = (0.0, "")
        var total = 0.0
        var failure: Error?
        for style in styles {
            let renderer = ScreenRenderer(style: style)
            for layout in layouts {
                let ms = Timing.meanMilliseconds(seeds) {
                    do { Timing.keep(try renderer.render(layout, seed: UInt64.random(in: 0...1000), width: width, height: height).pixels[0]) } catch { failure = error }
                }
                if let failure { throw failure }
                total += ms * Double(seeds)
                if ms > worst.0 { worst = (ms, "\(layout.id)/\(style.name)") }
            }
        }
        let mean = total / Double(count)
        print(String(format: "  screen: mean %.3f ms  worst %.3f ms (%@)  (%.1fx reference)", mean, worst.0, worst.1, mean / reference))
        let samples = min(count, 60)
        let sampleMs = Timing.meanMilliseconds(samples) {
            do {
                let layout = layouts[Int.random(in: 0..<layouts.count)]
                let sample = try ScreenRenderer(style: styles[Int.random(in: 0..<styles.count)]).sample(layout, seed: 1, width: width, height: height)
                Timing.keep(sample.image.pixels[0] &+ sample.mask.pixels[0])
            } catch { failure = error }
        }
        if let failure { throw failure }
        print(String(format: "  sample (anomaly + normal + edges + mask + boxes): mean %.3f ms  (%.1fx reference)", sampleMs, sampleMs / reference))
    }
}
