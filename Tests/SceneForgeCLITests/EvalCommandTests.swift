import Foundation
import SceneForgeImaging
import Testing

/// `sceneforge eval` end to end on the embedded default model, on a small sample (two layouts, two seeds).
struct EvalCommandTests {
    let model = CommandRunner.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models/default").path

    @Test func printsEveryFigureWithItsBar() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Seeds 3 and 4 (--first-seed): the images are named for them, and --images below finds them there.
        let result = try CommandRunner.run(["eval", "--model", model, "--layouts", "toast,centre_modal", "--seeds", "2", "--first-seed", "3",
                                            "--control-scale", "1.25", "--save-images", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        // The embedded model has its own layout ControlNet, which eval uses unless told --no-control.
        for line in ["held-out renderer screens", "on the same screens softened (blur, less contrast): detector mean IoU", "controlnet: each image is generated under its layout's segmentation control",
                     "generated 4 images (128x256, 8 steps)", "(a) layout adherence", "      centre_modal", "      toast",
                     "(b) anomaly type recognised", "(b) theme colour recognised",
                     "      per theme: ", "(c) 24 style-referenced images", "(c) style reference recognised: ", "(d) diversity"] {
            #expect(result.stdout.contains(line), "missing '\(line)' in:\n\(result.stdout)")
        }
        // Two images a layout: each layout's mean IoU comes with its standard error.
        #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("      toast ") && $0.contains("  ± 0.") }, "\(result.stdout)")
        // Beside each, the diagnostic best candidate region's IoU, which is never below the detected one.
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("      toast ") || line.hasPrefix("      centre_modal ") {
            let numbers = line.split(separator: " ").compactMap { Double($0) }
            #expect(line.contains("best candidate") && numbers.count == 3 && numbers[2] >= numbers[0], "\(line)")
        }
        #expect(result.stdout.contains("best candidate region (a diagnostic, not the bar): worst "), "\(result.stdout)")
        // The 4 layout images, each with its detection picture, then bar (c)'s: a reference per app style and its
        // images at scales 1 and 0 on both seeds.
        let images = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        #expect(images.filter { !$0.hasPrefix("style-") && !$0.hasSuffix(".boxes.png") && !$0.hasSuffix(".scores.png") }.count == 4)
        // Each image was generated under its layout's control at the asked scale (its record says so).
        let record = try #require(try PNGFile.metadata(contentsOf: folder.appendingPathComponent("toast-coffee-navy-3.png")).record)
        #expect(record.controlLayout == "toast" && record.controlStrength == 1.25 && record.seed == 3, "\(record)")
        #expect(images.contains("toast-coffee-navy-4.png") && !images.contains("toast-coffee-navy-1.png"), "\(images.sorted())")
        #expect(images.contains("style-food-yellow-scale1-3.png"), "\(images.sorted())")
        let pictures = images.filter { $0.hasSuffix(".boxes.png") }
        #expect(pictures.count == 4)
        // Every picture frames the layout's target region in green.
        for name in pictures {
            let picture = try PNGFile.read(contentsOf: folder.appendingPathComponent(name))
            let green = (0..<(picture.width * picture.height)).filter {
                picture.pixels[4 * $0] == 0 && picture.pixels[4 * $0 + 1] == 220 && picture.pixels[4 * $0 + 2] == 0
            }
            #expect(green.count > 20, "\(name) has \(green.count) target-frame pixels")
        }
        // And the score map the boxes were cut from: grey, the image's size, bright somewhere.
        let scores = images.filter { $0.hasSuffix(".scores.png") }
        #expect(Set(scores.map { $0.replacingOccurrences(of: ".scores.png", with: "") })
                == Set(pictures.map { $0.replacingOccurrences(of: ".boxes.png", with: "") }))
        for name in scores {
            let picture = try PNGFile.read(contentsOf: folder.appendingPathComponent(name))
            let pixels = (0..<(picture.width * picture.height)).map { Array(picture.pixels[(4 * $0)..<(4 * $0 + 3)]) }
            #expect(picture.width == 128 && picture.height == 256)
            #expect(pixels.allSatisfy { $0[0] == $0[1] && $0[1] == $0[2] } && pixels.contains { $0[0] > 128 }, "\(name)")
        }
        #expect(images.filter { $0.hasPrefix("style-") && $0.hasSuffix("-reference.png") }.count == 12)
        #expect(images.filter { $0.hasPrefix("style-") && ($0.contains("-scale1-") || $0.contains("-scale0-")) }.count == 48, "\(images.sorted())")

        // The same images measured again from the folder (no model): the same instrument reads the same figures.
        let again = try CommandRunner.run(["eval", "--images", folder.path, "--layouts", "toast,centre_modal"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("measuring 4 saved images (and 24 of bar (c))"), "\(again.stdout)")
        let figures = { (text: String) in text.components(separatedBy: "quality bars:").last ?? "" }
        #expect(!figures(result.stdout).isEmpty && figures(again.stdout) == figures(result.stdout), "\(result.stdout)\n---\n\(again.stdout)")
    }

    @Test func aFolderWithoutSavedImagesIsRefusedBeforeTraining() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try CommandRunner.run(["eval", "--images", folder.path])
        #expect(empty.status != 0 && empty.stderr.contains("holds none of the images eval --save-images writes"), "\(empty.stderr)")
        #expect(!empty.stdout.contains("instrument trained"))
        let both = try CommandRunner.run(["eval", "--images", folder.path, "--model", model])
        #expect(both.status != 0 && both.stderr.contains("--images measures images already made"), "\(both.stderr)")
        try Data("not a png".utf8).write(to: folder.appendingPathComponent("toast-coffee-navy-1.png"))
        let broken = try CommandRunner.run(["eval", "--images", folder.path, "--layouts", "toast"])
        #expect(broken.status != 0 && broken.stderr.contains("toast-coffee-navy-1.png"), "\(broken.stderr)")
    }

    @Test func requireBarsFailsWhenABarIsMissed() throws {
        // The embedded model misses (a)-(c) today (docs/embedded-model.md).
        let result = try CommandRunner.run(["eval", "--model", model, "--layouts", "toast", "--seeds", "2", "--require-bars",
                                            "--no-control"])
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("bars missed"))
        #expect(result.stdout.contains("no ControlNet: layout adherence is measured from the prompt alone"))
    }

    @Test func unstyledNegativeGuidesAlongTheStyleWords() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["eval", "--model", model, "--layouts", "toast", "--seeds", "2", "--no-control",
                                            "--guidance", "1.5", "--unstyled-negative", "--save-images", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        // The negative prompt is the image's own caption without its app style's description.
        let record = try #require(try PNGFile.metadata(contentsOf: folder.appendingPathComponent("toast-coffee-navy-1.png")).record)
        #expect(record.guidance == 1.5 && record.negativePrompt.hasPrefix("Toast") && !record.negativePrompt.contains("Luckin"), "\(record)")
        #expect(record.prompt == "Luckin-like coffee ordering (navy, airy). " + record.negativePrompt, "\(record)")
        let unguided = try CommandRunner.run(["eval", "--model", model, "--unstyled-negative"])
        #expect(unguided.status != 0 && unguided.stderr.contains("--unstyled-negative needs --guidance above 0"), "\(unguided.stderr)")
    }

    @Test func badArgumentsAreNamed() throws {
        let seeds = try CommandRunner.run(["eval", "--model", model, "--seeds", "1"])
        #expect(seeds.status != 0 && seeds.stderr.contains("--seeds must be at least 2"), "\(seeds.stderr)")
        let first = try CommandRunner.run(["eval", "--model", model, "--first-seed", "18446744073709551614"])
        #expect(first.status != 0 && first.stderr.contains("leaves no room for 4 seeds"), "\(first.stderr)")
        let layout = try CommandRunner.run(["eval", "--model", model, "--layouts", "toast,nope"])
        #expect(layout.status != 0 && layout.stderr.contains("unknown layout 'nope'"), "\(layout.stderr)")
        let scale = try CommandRunner.run(["eval", "--model", model, "--control-scale=-1"])
        #expect(scale.status != 0 && scale.stderr.contains("--control-scale must be a number ≥ 0"), "\(scale.stderr)")
        let window = try CommandRunner.run(["eval", "--model", model, "--control-start", "0.5", "--control-end", "0.2"])
        #expect(window.status != 0 && window.stderr.contains("--control-start and --control-end must satisfy"), "\(window.stderr)")
    }
}
