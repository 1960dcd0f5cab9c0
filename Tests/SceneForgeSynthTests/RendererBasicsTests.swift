import SceneForgeImaging
import SceneForgeScenes
import Testing
@testable import SceneForgeSynth

@Suite("Procedural renderer: determinism, variety, sizes")
struct RendererBasicsTests {
    typealias S = SynthTestSupport

    @Test func sameInputsGiveTheSameBytes() throws {
        for id in ["centre_modal", "toast", "broken_image"] {
            let layout = try S.layout(id)
            for style in AppStyle.builtIn.prefix(4) {
                let renderer = ScreenRenderer(style: style)
                let a = try renderer.render(layout, seed: 42, width: 128, height: 256)
                let b = try renderer.render(layout, seed: 42, width: 128, height: 256)
                #expect(a == b, "\(id) / \(style.name)")
                let n1 = try renderer.render(layout, seed: 42, width: 128, height: 256, variant: .normal)
                let n2 = try renderer.render(layout, seed: 42, width: 128, height: 256, variant: .normal)
                #expect(n1 == n2)
            }
        }
    }

    @Test func differentSeedsGiveVisiblyDifferentScreens() throws {
        for layout in try S.layouts() {
            for style in [AppStyle.builtIn[0], AppStyle.builtIn[5], AppStyle.builtIn[8]] {
                let renderer = ScreenRenderer(style: style, theme: .light)
                let a = try renderer.render(layout, seed: 1, width: 128, height: 256)
                let b = try renderer.render(layout, seed: 2, width: 128, height: 256)
                let diff = S.meanAbsDiff(a, b)
                #expect(diff > 3, "\(layout.id) / \(style.name): seeds 1 and 2 differ by only \(diff)")
            }
        }
    }

    @Test func differentStylesGiveDifferentScreens() throws {
        let layout = try S.layout("centre_modal")
        let images = try AppStyle.builtIn.map { try ScreenRenderer(style: $0, theme: .light).render(layout, seed: 7, width: 128, height: 256, variant: .normal) }
        for i in images.indices {
            for j in images.indices where j > i {
                let diff = S.meanAbsDiff(images[i], images[j])
                #expect(diff > 3, "\(AppStyle.builtIn[i].name) vs \(AppStyle.builtIn[j].name): \(diff)")
            }
        }
    }

    @Test func darkThemeIsDarkerThanLight() throws {
        for layout in [try S.layout("toast"), try S.layout("broken_image"), try S.layout("network_error")] {
            for style in AppStyle.builtIn {
                let light = try ScreenRenderer(style: style, theme: .light).render(layout, seed: 3, width: 128, height: 256)
                let dark = try ScreenRenderer(style: style, theme: .dark).render(layout, seed: 3, width: 128, height: 256)
                let (l, d) = (S.meanLuma(light), S.meanLuma(dark))
                #expect(l - d > 40, "\(layout.id) / \(style.name): light \(l) vs dark \(d)")
            }
        }
    }

    @Test func autoThemeFollowsTheStyleHabit() throws {
        // video-dark is dark for most seeds, rail-blue light for most: count over 200 seeds.
        let dark = try AppStyle.named("video-dark"), light = try AppStyle.named("rail-blue")
        let darkCount = (0..<200).filter { ScreenPalette.resolve(dark, theme: .auto, seed: UInt64($0)).theme == .dark }.count
        let lightCount = (0..<200).filter { ScreenPalette.resolve(light, theme: .auto, seed: UInt64($0)).theme == .dark }.count
        #expect(darkCount > 130 && lightCount < 50, "video-dark \(darkCount)/200 dark, rail-blue \(lightCount)/200 dark")
    }

    @Test func everyStyleRendersEveryLayoutAtSmallSizes() throws {
        for layout in try S.layouts() {
            for style in AppStyle.builtIn {
                for (w, h) in [(64, 128), (128, 256), (97, 211), (16, 16)] {
                    let renderer = ScreenRenderer(style: style)
                    let image = try renderer.render(layout, seed: 11, width: w, height: h)
                    #expect(image.width == w && image.height == h && image.isOpaque)
                    _ = try renderer.render(layout, seed: 11, width: w, height: h, variant: .normal)
                }
            }
        }
    }

    @Test func everyLayoutRendersAtFullPhoneSize() throws {
        // One style per layout (rotating through them) keeps the debug-build run short.
        for (i, layout) in try S.layouts().enumerated() {
            let style = AppStyle.builtIn[i % AppStyle.builtIn.count]
            let image = try ScreenRenderer(style: style).render(layout, seed: UInt64(i), width: 1080, height: 2340)
            #expect(image.width == 1080 && image.height == 2340 && image.isOpaque, "\(layout.id) / \(style.name)")
        }
    }

    @Test func badSizesThrowNamingTheSize() throws {
        let layout = try S.layout("toast")
        let renderer = ScreenRenderer(style: AppStyle.builtIn[0])
        for (w, h) in [(0, 256), (128, 0), (-5, 256), (15, 256), (128, 9000), (Int.max, 10)] {
            #expect(throws: SynthError.self) { try renderer.render(layout, seed: 0, width: w, height: h) }
            do {
                _ = try renderer.render(layout, seed: 0, width: w, height: h)
            } catch let error as SynthError {
                #expect(error.description.contains("\(w)x\(h)"))
            }
        }
    }

    @Test func unknownStyleThrowsListingTheKnownOnes() throws {
        #expect(throws: SynthError.self) { try AppStyle.named("no-such-style") }
        do {
            _ = try AppStyle.named("no-such-style")
        } catch let error as SynthError {
            #expect(error.description.contains("no-such-style") && error.description.contains("food-yellow"))
        }
        #expect(Set(AppStyle.builtIn.map(\.name)).count == AppStyle.builtIn.count)
        #expect(Set(AppStyle.builtIn.map(\.family)) == Set(AppFamily.allCases))
    }

    @Test func sampleCarriesControlMaskAndGroundTruthAtTheSameSize() throws {
        for layout in try S.layouts() {
            let sample = try ScreenRenderer(style: AppStyle.builtIn[1]).sample(layout, seed: 5, width: 128, height: 272)
            #expect(sample.control.width == 128 && sample.control.height == 272)
            #expect(sample.mask.width == 128 && sample.mask.height == 272 && sample.mask.channels == 1)
            #expect(sample.groundTruth.count == layout.anomalyBoxes.count)
            #expect(sample.image != sample.normal, "\(layout.id)")
            for truth in sample.groundTruth where !truth.kind.isBackdrop {
                let r = truth.rect
                let centre = sample.mask.pixel(x: r.x + r.w / 2, y: r.y + r.h / 2)
                #expect(centre == [255], "\(layout.id) \(truth.boxId)")
                #expect(truth.anomalyType == layout.anomalyType)
            }
        }
    }
}
