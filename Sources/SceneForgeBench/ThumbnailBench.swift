import ArgumentParser
import Foundation
import SceneForgeImaging

/// `sceneforge-bench thumbnails`: fidelity and speed of SceneForge's terminal thumbnails
/// against chafa on the same images, sizes and colour modes (see docs/benchmarks.md).
struct ThumbnailBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbnails",
        abstract: "Terminal thumbnails vs chafa: SSIM, colour error and time per render.")

    @Option(help: "Timed repetitions per measurement (the median is reported).") var repeats = 5
    @Option(help: "Where to write the test images (default: a temporary folder).") var imagesDir: String?
    @Option(help: "The chafa executable.") var chafa = "/usr/bin/chafa"

    struct Setting { let columns: Int, rows: Int, colors: ColorDepth }

    func run() throws {
        let dir = URL(fileURLWithPath: imagesDir ?? NSTemporaryDirectory() + "sceneforge-thumbnail-bench")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var images: [(name: String, image: RGBAImage, file: URL, bytes: [UInt8])] = []
        for (name, image) in try BenchImages.all() {
            let url = dir.appendingPathComponent(name + ".png")
            let bytes = try PNGFile.encode(image, record: nil)
            try Data(bytes).write(to: url)
            images.append((name, image, url, bytes))
        }
        let chafaVersion = try runProcess([chafa, "--version"]).split(separator: "\n").first.map(String.init) ?? "?"
        let spawn = try median((0..<repeats).map { _ in try timed { _ = try runProcess([chafa, "--version"]) } })
        print("images: \(images.map { "\($0.name) \($0.image.width)x\($0.image.height)" }.joined(separator: ", "))")
        print("\(chafaVersion); chafa process spawn (chafa --version): \(ms(spawn)) ms; repeats: \(repeats) (median)")
        print("")
        print("SSIM / MAE against the source area-averaged in linear light (L) and on sRGB values (S), 1x2 px per cell")
        print("size    mode      | SSIM-L sf  chafa  ratio | SSIM-S sf  chafa  ratio | chafa-default L / S | MAE-L sf  chafa | ms/img sf  chafa  ratio")

        var allBetter = true, allFaster = true
        for setting in [(40, 20), (80, 40), (120, 60)].flatMap({ s in [ColorDepth.truecolor, .palette256].map { Setting(columns: s.0, rows: s.1, colors: $0) } }) {
            var ssim = (sf: 0.0, chafa: 0.0, chafaDefault: 0.0), mae = (sf: 0.0, chafa: 0.0)
            var ssimS = (sf: 0.0, chafa: 0.0, chafaDefault: 0.0)
            var sfTime = 0.0
            for entry in images {
                let options = ThumbnailOptions(symbols: .halfBlock, colors: setting.colors)
                // SceneForge: decode the PNG bytes and render, in process (chafa also loads the file).
                var text = ""
                sfTime += try median((0..<repeats).map { _ in
                    try timed {
                        let image = try PNGFile.read(entry.bytes)
                        text = try ThumbnailRenderer.render(image, columns: setting.columns, rows: setting.rows, options: options)
                            .lines.joined(separator: "\n")
                    }
                })
                let chafaText = try runProcess(chafaArguments(setting, halfBlocks: true) + [entry.file.path])
                let chafaDefaultText = try runProcess(chafaArguments(setting, halfBlocks: false) + [entry.file.path])
                let ours = try score(text, source: entry.image)
                let theirs = try score(chafaText, source: entry.image)
                let theirsDefault = try score(chafaDefaultText, source: entry.image)
                ssim.sf += ours.ssim; ssim.chafa += theirs.ssim; ssim.chafaDefault += theirsDefault.ssim
                ssimS.sf += ours.ssimS; ssimS.chafa += theirs.ssimS; ssimS.chafaDefault += theirsDefault.ssimS
                mae.sf += ours.mae; mae.chafa += theirs.mae
            }
            // chafa: all images in one process, so spawning is paid once; divided per image.
            let paths = images.map(\.file.path)
            let chafaBatch = try median((0..<repeats).map { _ in try timed { _ = try runProcess(chafaArguments(setting, halfBlocks: true) + paths) } })
            let n = Double(images.count)
            let chafaPerImage = chafaBatch / n, sfPerImage = sfTime / n
            let label = "\(setting.columns)x\(setting.rows)".padding(toLength: 7, withPad: " ", startingAt: 0)
                + " " + setting.colors.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            print(label + String(format: " | %9.4f %6.4f %6.3f | %9.4f %6.4f %6.3f | %8.4f / %6.4f | %8.2f %6.2f | %9.2f %6.2f %6.2f",
                                 ssim.sf / n, ssim.chafa / n, ssim.sf / ssim.chafa, ssimS.sf / n, ssimS.chafa / n, ssimS.sf / ssimS.chafa,
                                 ssim.chafaDefault / n, ssimS.chafaDefault / n,
                                 mae.sf / n, mae.chafa / n, sfPerImage * 1000, chafaPerImage * 1000, sfPerImage / chafaPerImage))
            allBetter = allBetter && ssim.sf >= ssim.chafa && ssimS.sf >= ssimS.chafa
            allFaster = allFaster && sfPerImage <= chafaPerImage
        }
        print("")
        print("SceneForge SSIM >= chafa (half blocks), both references, at every size and mode: \(allBetter ? "yes" : "NO")")
        print("SceneForge time <= chafa at every size and mode: \(allFaster ? "yes" : "NO")")
    }

    func chafaArguments(_ s: Setting, halfBlocks: Bool) -> [String] {
        var args = [chafa, "--size", "\(s.columns)x\(s.rows)", "--format", "symbols",
                    "--colors", s.colors == .truecolor ? "full" : "256", "--animate", "off", "--polite", "on"]
        if halfBlocks { args += ["--symbols", "vhalf"] }
        return args
    }

    /// Rendering -> pixels (1x2 per cell) -> SSIM and mean colour error against the source
    /// area-averaged (linear light) to the same pixel grid.
    func score(_ text: String, source: RGBAImage) throws -> (ssim: Double, ssimS: Double, mae: Double) {
        let decoded = try ANSIImageDecoder().decode(text, grid: (1, 2))
        let (w, h) = (decoded.image.width, decoded.image.height)
        let linear = try ImageMetrics.areaDownscaled(source, width: w, height: h)
        let naive = try ImageMetrics.areaDownscaled(source, width: w, height: h, linearLight: false)
        return (try ImageMetrics.ssim(decoded.image, linear), try ImageMetrics.ssim(decoded.image, naive),
                try ImageMetrics.meanAbsoluteRGBError(decoded.image, linear))
    }

    func runProcess(_ argv: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ValidationError("\(argv.joined(separator: " ")) exited with \(p.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func median(_ values: [Double]) throws -> Double {
        guard !values.isEmpty else { throw ValidationError("--repeats must be at least 1") }
        let s = values.sorted()
        return s[s.count / 2]
    }

    func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }
}
