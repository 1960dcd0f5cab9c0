import ArgumentParser
import Foundation
import SceneForgeImaging
import SceneForgeQuality
import SceneForgeScenes
import SceneForgeSynth

/// The images an `eval --save-images` run wrote, read back by their names so that `eval --images` can measure them
/// again with today's instrument (to compare two instruments on the same images, or to re-read an old run)
/// without the model that made them.
struct SavedEvalImages {
    /// Bar (a), (b) and (d)'s images: `<layout>-<style>-<seed>.png`.
    static func name(layout: Layout, style: AppStyle, seed: UInt64) -> String { "\(layout.id)-\(style.name)-\(seed).png" }
    /// Bar (c)'s images: `style-<style>-scale<S>-<seed>.png`.
    static func styleName(style: AppStyle, scale: Double, seed: UInt64) -> String {
        "style-\(style.name)-scale\(String(format: "%g", scale))-\(seed).png"
    }

    /// Beside `url` (an image of bar (a)), `<name>.boxes.png`: the image with the layout's target region framed in green
    /// and what the detector found in red; and `<name>.scores.png`: the detector's score map the boxes were cut from.
    static func writeOverlay(of image: RGBAImage, layout: Layout, detector: AnomalyRegionDetector, beside url: URL) throws {
        let found = try detector.detect(image, layout: layout)
        let target = AnomalyRegionDetector.target(layout, width: image.width, height: image.height)
        let base = url.deletingPathExtension()
        try PNGFile.write(DetectionOverlay.draw(image, target: target, detected: found), record: nil,
                          to: base.appendingPathExtension("boxes.png"))
        try PNGFile.write(DetectionOverlay.scores(try detector.scoreMap(image, layout: layout), width: image.width, height: image.height),
                          record: nil, to: base.appendingPathExtension("scores.png"))
    }

    /// Bar (a), (b) and (d)'s images, and those of one layout (its seeds) as diversity groups.
    let screens: [GeneratedScreen]
    let groups: [[RGBAImage]]
    /// Bar (c)'s images at style scale 1 (empty when the folder has none).
    let styled: [GeneratedScreen]
    let folder: URL

    /// Reads what the folder holds for `layouts`; throws when it holds none of bar (a)'s images or one does not read.
    init(folder: URL, catalog: SceneCatalog, layouts: [Layout]) throws {
        self.folder = folder
        var screens: [GeneratedScreen] = [], groups: [[RGBAImage]] = [], styled: [GeneratedScreen] = []
        // Listed once: every layout's and style's images are picked out of the same names.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for layout in layouts {
            let style = Eval.style(for: layout, catalog: catalog)
            let group = try Self.seeds(in: folder, files: files) { Self.name(layout: layout, style: style, seed: $0) }
            screens += group.map { GeneratedScreen(image: $0.image, layout: layout, style: style, seed: $0.seed) }
            if !group.isEmpty { groups.append(group.map(\.image)) }
        }
        guard !screens.isEmpty else {
            throw ValidationError("--images: \(folder.path) holds none of the images eval --save-images writes (<layout>-<style>-<seed>.png)")
        }
        for (index, style) in AppStyle.builtIn.enumerated() {
            let target = StyleRecognitionRun.targetLayout(forStyleAt: index, catalog: catalog)
            styled += try Self.seeds(in: folder, files: files) { Self.styleName(style: style, scale: 1, seed: $0) }
                .map { GeneratedScreen(image: $0.image, layout: target, style: style, seed: $0.seed) }
        }
        (self.screens, self.groups, self.styled) = (screens, groups, styled)
    }

    /// Figures (a)-(d) of the saved images ((c) only where the folder has its images). With `overlays`, each of bar
    /// (a)'s images gets its detection picture there.
    func measure(_ instrument: QualityInstrument, overlays: URL? = nil) throws -> QualityFigures {
        print("measuring \(screens.count) saved images (and \(styled.count) of bar (c)) from \(folder.path)")
        if let overlays {
            try FileManager.default.createDirectory(at: overlays, withIntermediateDirectories: true)
            for screen in screens {
                try Self.writeOverlay(of: screen.image, layout: screen.layout, detector: instrument.detector,
                                      beside: overlays.appendingPathComponent(Self.name(layout: screen.layout, style: screen.style, seed: screen.seed)))
            }
        }
        var figures = try instrument.measure(screens, diversityGroups: groups)
        if !styled.isEmpty { figures.styleConfusion = try instrument.styleRecognition(styled) }
        return figures
    }

    /// The images among `files` (the folder's names) named for any seed, in seed order (a run's seeds start at 1, or
    /// at its `--first-seed`).
    private static func seeds(in folder: URL, files: [String], _ name: (UInt64) -> String) throws -> [(image: RGBAImage, seed: UInt64)] {
        // `name(0)` is the pattern with "0" where the seed goes: what precedes it, and ".png" after it.
        let pattern = name(0), prefix = String(pattern.dropLast("0.png".count))
        let named = files.compactMap { file -> (file: String, seed: UInt64)? in
            guard file.hasPrefix(prefix), file.hasSuffix(".png") else { return nil }
            let digits = file.dropFirst(prefix.count).dropLast(".png".count)
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let seed = UInt64(digits) else { return nil }
            return (file, seed)
        }.sorted { $0.seed < $1.seed }
        return try named.map { file, seed in
            let url = folder.appendingPathComponent(file)
            do { return (try PNGFile.read(contentsOf: url), seed) } catch { throw ValidationError("--images: \(error)") }
        }
    }
}
