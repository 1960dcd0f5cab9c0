import SceneForgeImaging
import SceneForgeScenes
import Testing
@testable import SceneForgeSynth

@Suite("Procedural renderer: anomalies are drawn where the layout puts them")
struct AnomalyPlacementTests {
    typealias S = SynthTestSupport

    static let width = 144
    static let height = 312

    /// For every layout, style and a few seeds: each anomaly box looks different from the normal
    /// render, and every pixel far from all anomaly boxes (and not under a dim overlay) is
    /// byte-identical in the two renders.
    @Test func anomalyChangesItsBoxesAndNothingFarFromThem() throws {
        let size = try RasterSize(width: Self.width, height: Self.height)
        let margin = max(4, Self.width * 3 / 100)
        for layout in try S.layouts() {
            for (s, style) in AppStyle.builtIn.enumerated() where s % 3 == 0 {
                for seed: UInt64 in [1, 99] {
                    let renderer = ScreenRenderer(style: style)
                    let anomaly = try renderer.render(layout, seed: seed, width: Self.width, height: Self.height)
                    let normal = try renderer.render(layout, seed: seed, width: Self.width, height: Self.height, variant: .normal)
                    let label = "\(layout.id) / \(style.name) / seed \(seed)"
                    var near = [Bool](repeating: false, count: Self.width * Self.height)
                    for box in layout.anomalyBoxes {
                        let r = PixelRect(box.rect, in: size)
                        let grow = box.kind.isBackdrop ? 0 : margin
                        for y in max(r.y - grow, 0)..<min(r.maxY + grow, Self.height) {
                            for x in max(r.x - grow, 0)..<min(r.maxX + grow, Self.width) { near[y * Self.width + x] = true }
                        }
                        guard !box.kind.isBackdrop else { continue }
                        var changed = 0
                        for y in r.y..<r.maxY { for x in r.x..<r.maxX where S.pixelDistance(anomaly, normal, x, y) > 8 { changed += 1 } }
                        let fraction = Double(changed) / Double(r.w * r.h)
                        #expect(fraction > 0.05, "\(label): box \(box.id) (\(box.kind.rawValue)) only \(fraction) changed")
                    }
                    var leaked = 0
                    for y in 0..<Self.height { for x in 0..<Self.width where !near[y * Self.width + x] && S.pixelDistance(anomaly, normal, x, y) > 0 { leaked += 1 } }
                    #expect(leaked == 0, "\(label): \(leaked) pixels changed far from the anomaly")
                }
            }
        }
    }

    @Test func dimOverlayDarkensThePage() throws {
        let layout = try S.layout("centre_modal")
        let size = try RasterSize(width: Self.width, height: Self.height)
        // The list above the dialog: under the overlay, outside every other anomaly box.
        let probe = PixelRect(NormalizedRect(x: 0.05, y: 0.14, w: 0.9, h: 0.12), in: size)
        for style in AppStyle.builtIn {
            let renderer = ScreenRenderer(style: style)
            let anomaly = try renderer.render(layout, seed: 4, width: Self.width, height: Self.height)
            let normal = try renderer.render(layout, seed: 4, width: Self.width, height: Self.height, variant: .normal)
            let (a, n) = (S.meanLuma(anomaly, in: probe), S.meanLuma(normal, in: probe))
            #expect(a < n * 0.65, "\(style.name): dimmed \(a) vs normal \(n)")
        }
    }

    @Test func toastIsADarkPill() throws {
        let layout = try S.layout("toast")
        let size = try RasterSize(width: Self.width, height: Self.height)
        guard let box = layout.anomalyBoxes.first(where: { $0.kind == .toast }) else { throw SynthError("toast layout has no toast") }
        let r = PixelRect(box.rect, in: size)
        for style in AppStyle.builtIn {
            for theme in [ThemeChoice.light, .dark] {
                let renderer = ScreenRenderer(style: style, theme: theme)
                let anomaly = try renderer.render(layout, seed: 8, width: Self.width, height: Self.height)
                let normal = try renderer.render(layout, seed: 8, width: Self.width, height: Self.height, variant: .normal)
                var lumas: [Double] = []
                for y in r.y..<r.maxY { for x in r.x..<r.maxX { lumas.append(S.luma(anomaly, x, y)) } }
                lumas.sort()
                let median = lumas[lumas.count / 2]
                #expect(median < 70, "\(style.name) \(theme): toast median luma \(median)")
                // Rounded ends: the box's corner pixels are (almost) the page beneath.
                for (x, y) in [(r.x, r.y), (r.maxX - 1, r.y), (r.x, r.maxY - 1), (r.maxX - 1, r.maxY - 1)] {
                    #expect(S.pixelDistance(anomaly, normal, x, y) < 60, "\(style.name) \(theme): toast corner (\(x),\(y)) is not round")
                }
            }
        }
    }

    @Test func errorIconShowsTheErrorColourInItsBox() throws {
        let size = try RasterSize(width: Self.width, height: Self.height)
        for id in ["network_error", "payment_failed"] {
            let layout = try S.layout(id)
            for box in layout.anomalyBoxes where box.kind == .errorIcon {
                let r = PixelRect(box.rect, in: size)
                for style in AppStyle.builtIn {
                    for seed: UInt64 in [1, 2, 3] {
                        let renderer = ScreenRenderer(style: style)
                        let image = try renderer.render(layout, seed: seed, width: Self.width, height: Self.height)
                        let error = renderer.palette(seed: seed).error
                        var hits = 0
                        for y in r.y..<r.maxY { for x in r.x..<r.maxX where S.distance(S.rgb(image, x, y), error) < 12 { hits += 1 } }
                        #expect(hits >= 6, "\(id) / \(style.name) / \(seed): \(hits) error-coloured pixels")
                        let normal = try renderer.render(layout, seed: seed, width: Self.width, height: Self.height, variant: .normal)
                        var normalHits = 0
                        for y in r.y..<r.maxY { for x in r.x..<r.maxX where S.distance(S.rgb(normal, x, y), error) < 12 { normalHits += 1 } }
                        #expect(normalHits < hits / 4, "\(id) / \(style.name): the normal render has the error colour too")
                    }
                }
            }
        }
    }

    @Test func greyedButtonUsesTheDisabledColour() throws {
        let layout = try S.layout("sold_out_button")
        let size = try RasterSize(width: Self.width, height: Self.height)
        guard let box = layout.anomalyBoxes.first(where: { $0.kind == .button }) else { throw SynthError("no button anomaly") }
        let r = PixelRect(box.rect, in: size)
        for style in AppStyle.builtIn {
            let renderer = ScreenRenderer(style: style)
            let palette = renderer.palette(seed: 6)
            let anomaly = try renderer.render(layout, seed: 6, width: Self.width, height: Self.height)
            let normal = try renderer.render(layout, seed: 6, width: Self.width, height: Self.height, variant: .normal)
            func share(_ image: RGBAImage, _ colour: Colour) -> Double {
                var n = 0
                for y in r.y..<r.maxY { for x in r.x..<r.maxX where S.distance(S.rgb(image, x, y), colour) < 10 { n += 1 } }
                return Double(n) / Double(r.w * r.h)
            }
            #expect(share(anomaly, palette.disabledFill) > 0.4, "\(style.name): greyed share \(share(anomaly, palette.disabledFill))")
            #expect(share(normal, palette.disabledFill) < 0.05)
        }
    }

    @Test func brokenImageIsGreyWhereTheNormalOneIsAPicture() throws {
        let layout = try S.layout("broken_image")
        let size = try RasterSize(width: Self.width, height: Self.height)
        guard let box = layout.anomalyBoxes.first(where: { $0.kind == .imagePlaceholder }) else { throw SynthError("no placeholder") }
        let r = PixelRect(box.rect, in: size)
        for style in AppStyle.builtIn {
            let renderer = ScreenRenderer(style: style, theme: .light)
            let anomaly = try renderer.render(layout, seed: 12, width: Self.width, height: Self.height)
            func greyShare(_ image: RGBAImage) -> Double {
                var n = 0
                for y in r.y..<r.maxY {
                    for x in r.x..<r.maxX {
                        let (cr, cg, cb) = S.rgb(image, x, y)
                        if max(cr, cg, cb) - min(cr, cg, cb) < 12 { n += 1 }
                    }
                }
                return Double(n) / Double(r.w * r.h)
            }
            #expect(greyShare(anomaly) > 0.9, "\(style.name): placeholder grey share \(greyShare(anomaly))")
        }
    }

    /// The duplicated entries are pixel-identical in the anomaly render (at a height where the
    /// two boxes are an exact whole-pixel translation of each other) and differ in the normal one.
    @Test func duplicateItemsAreIdentical() throws {
        let layout = try S.layout("duplicate_items")
        let size = try RasterSize(width: 500, height: 1000)
        let dups = layout.anomalyBoxes.filter { $0.kind == .listItem }
        try #require(dups.count == 2)
        let (a, b) = (PixelRect(dups[0].rect, in: size), PixelRect(dups[1].rect, in: size))
        try #require(a.w == b.w && a.h == b.h)
        for style in AppStyle.builtIn {
            let renderer = ScreenRenderer(style: style)
            func blockDiff(_ image: RGBAImage) -> Double {
                var total = 0
                for y in 0..<a.h {
                    for x in 0..<a.w {
                        let p = S.rgb(image, a.x + x, a.y + y), q = S.rgb(image, b.x + x, b.y + y)
                        total += abs(p.0 - q.0) + abs(p.1 - q.1) + abs(p.2 - q.2)
                    }
                }
                return Double(total) / Double(a.w * a.h * 3)
            }
            let anomaly = try renderer.render(layout, seed: 21, width: 500, height: 1000)
            let normal = try renderer.render(layout, seed: 21, width: 500, height: 1000, variant: .normal)
            #expect(blockDiff(anomaly) < 0.5, "\(style.name): duplicates differ by \(blockDiff(anomaly))")
            #expect(blockDiff(normal) > 3, "\(style.name): normal entries too alike (\(blockDiff(normal)))")
        }
    }
}
