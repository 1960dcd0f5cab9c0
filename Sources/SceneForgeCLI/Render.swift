import ArgumentParser
import Foundation
import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth

/// `sceneforge render`: a procedural phone screen of a layout in an app style, with its normal
/// twin, control image and mask (the training samples of the embedded default model).
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a layout procedurally as a phone screen of an app style (no model needed).")

    @Option(help: "Layout id (see the built-in layouts).") var layout: String?
    @Option(help: "Style name (see --list-styles).") var style = "food-yellow"
    @Option(help: "auto | light | dark (auto: the seed picks, by the style's habits).") var theme = "auto"
    @Option(help: "Seed: the same seed gives the same screen.") var seed: UInt64 = 0
    @Option(help: "Width in pixels.") var width = 720
    @Option(help: "Height in pixels (default: the layout's aspect at this width).") var height: Int?
    @Option(help: "Where to write the PNG.") var out: String?
    @Flag(help: "Render the screen without its anomaly (same seed, same content).") var normal = false
    @Option(help: "Also write the control image here.") var control: String?
    @Option(help: "edges | segmentation (for --control).") var controlStyle = "edges"
    @Option(help: "Also write the inpainting mask here.") var mask: String?
    @Flag(help: "Write to --out a grid of every style (rows) by every layout (columns) for this seed.") var contactSheet = false
    @Flag(help: "List the styles and exit.") var listStyles = false

    func run() throws {
        if listStyles {
            for style in AppStyle.builtIn {
                print("\(style.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(style.family.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(style.resembles)")
            }
            return
        }
        do {
            try render()
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("sceneforge render: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func render() throws {
        guard let out else { throw ValidationError("--out FILE.png is required") }
        guard let themeChoice = ThemeChoice(rawValue: theme) else {
            throw ValidationError("--theme must be one of: \(ThemeChoice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let catalog = try SceneCatalog.builtIn()
        if contactSheet {
            // 12 styles x 17 layouts of full-size screens would need gigabytes.
            guard width <= 512 else { throw ValidationError("--contact-sheet takes --width up to 512 (got \(width))") }
            let layouts = catalog.layouts
            let h = height ?? CanvasAspect.phone.height(forWidth: width)
            let rows = try AppStyle.builtIn.map { style in
                try layouts.map { try ScreenRenderer(style: style, theme: themeChoice).render($0, seed: seed, width: width, height: h, variant: normal ? .normal : .anomaly) }
            }
            try PNGFile.write(try ContactSheet.make(rows), record: nil, to: URL(fileURLWithPath: out))
            print("wrote \(out): \(AppStyle.builtIn.count) styles x \(layouts.count) layouts")
            return
        }
        guard let layoutId = layout else { throw ValidationError("--layout ID is required (or --list-styles, --contact-sheet)") }
        guard let chosen = catalog.layout(id: layoutId) else {
            throw ValidationError("unknown layout '\(layoutId)' (known: \(catalog.layouts.map(\.id).joined(separator: ", ")))")
        }
        guard let controlKind = ControlStyle(rawValue: controlStyle) else {
            throw ValidationError("--control-style must be edges or segmentation")
        }
        let renderer = ScreenRenderer(style: try AppStyle.named(style), theme: themeChoice)
        let h = height ?? chosen.aspect.height(forWidth: width)
        let image = try renderer.render(chosen, seed: seed, width: width, height: h, variant: normal ? .normal : .anomaly)
        try PNGFile.write(image, record: nil, to: URL(fileURLWithPath: out))
        var wrote = [out]
        let rasterizer = try LayoutRasterizer(layout: chosen, width: width, height: h)
        if let control {
            try PNGFile.write(try rasterizer.controlImage(style: controlKind).rgba(), record: nil, to: URL(fileURLWithPath: control))
            wrote.append(control)
        }
        if let mask {
            try PNGFile.write(try rasterizer.inpaintingMask().rgba(), record: nil, to: URL(fileURLWithPath: mask))
            wrote.append(mask)
        }
        print("wrote \(wrote.joined(separator: ", ")) (\(width)x\(h), style \(style), seed \(seed))")
    }
}
