import SceneForgeImaging
import SceneForgeQuality
import SceneForgeScenes
import SceneForgeSynth
import Testing

/// The instrument proven on held-out renderer screens: if it cannot read the renderer's own output, its
/// figures on a generated image mean nothing.
struct InstrumentTests {
    /// The issue asks ≥ 0.85 for every layout; today's detector reaches it for 14 of 17 and every layout is past 0.81
    /// crisp, past 0.76 softened and past 0.64 with a halo (docs/quality-bars.md lists each; before the calibrated
    /// margins and grouping of the twenty-third round: 0.79, 0.74 and 0.61). These floors hold the
    /// line it does reach, so a regression fails, and every layout stays above bar (a)'s 0.7 on the crisp and softened
    /// screens, so that bar can be certified for each.
    @Test func detectorFindsEveryLayoutsAnomalyRegion() throws {
        let instrument = try #require(SharedInstrument.instrument)
        let check = instrument.selfCheck
        #expect(check.adherence.count == SharedInstrument.catalog?.layouts.count)
        // Each layout's mean comes with its standard error over the held-out screens (one per app style).
        #expect(Set(check.adherenceStandardError.keys) == Set(check.adherence.keys))
        #expect(check.adherenceStandardError.values.allSatisfy { (0..<0.2).contains($0) })
        for (layout, iou) in check.adherence.sorted(by: { $0.key < $1.key }) {
            #expect(iou >= 0.80, "held-out mean IoU of layout \(layout) is \(iou)")
        }
        // Without snapping each side onto the image's edges the mean was 0.904; without the margins 0.932.
        #expect(check.meanAdherence >= 0.93)
        #expect(check.adherence.values.filter { $0 >= 0.85 }.count >= 14)
        // The same held-out screens softened, as a generator draws them: blurred and faded, and with a halo.
        #expect(instrument.softenedAdherence.count == check.adherence.count)
        #expect(QualityFigures.mean(instrument.softenedAdherence) >= 0.88)
        for (layout, iou) in instrument.softenedAdherence { #expect(iou >= 0.75, "softened held-out mean IoU of layout \(layout) is \(iou)") }
        #expect(instrument.haloAdherence.count == check.adherence.count)
        #expect(QualityFigures.mean(instrument.haloAdherence) >= 0.87)
        for (layout, iou) in instrument.haloAdherence { #expect(iou >= 0.62, "held-out mean IoU with a halo of layout \(layout) is \(iou)") }
    }

    @Test func aFadedAnomalyIsFoundWhereTheCrispOneIs() throws {
        // Thresholds are shares of the image's own peak score: at a third of the contrast every score is lower, and
        // a fixed level loses much of the anomaly (with fixed levels the faded screens kept 0.57 of the IoU; with
        // relative ones 0.72, summed over every layout).
        let instrument = try #require(SharedInstrument.instrument)
        let catalog = try #require(SharedInstrument.catalog)
        var crisp = 0.0, faded = 0.0
        for layout in catalog.layouts {
            let image = try ScreenRenderer(style: try AppStyle.named("food-blue")).render(layout, seed: 78, width: 128, height: 256)
            crisp += try instrument.detector.adherence(image, layout: layout)
            faded += try instrument.detector.adherence(Softening.fade(image, keeping: 0.35), layout: layout)
        }
        #expect(faded >= 0.65 * crisp, "faded \(faded) vs crisp \(crisp), summed over layouts")
    }

    @Test func classifiersRecogniseHeldOutScreens() throws {
        let check = try #require(SharedInstrument.instrument).selfCheck
        #expect(check.anomalyRecognition >= 0.95)
        // The issue asks ≥ 0.95 held out; the boosted-tree theme classifier reads 0.951 (the linear one it replaced: 0.922).
        #expect(check.themeRecognition >= 0.95)
        // On the same screens softened, as a generator draws them (the linear one: 0.858).
        #expect(try #require(SharedInstrument.instrument).softenedThemeRecognition >= 0.9)
        // Every theme colour is asked for, 204 screens in all, and the figure is the confusion's accuracy.
        #expect(check.themeConfusion.total == 204 && check.themeConfusion.rows().count == ThemeColour.groups().count)
    }

    @Test func theBestCandidateFindsAnAnomalyTheKeptRegionMissed() throws {
        // (a)'s diagnostic: never below the detected IoU on any layout's screen, and when a heavier look-alike elsewhere
        // is what the detector keeps, the anomaly drawn in place is still among its candidates.
        let instrument = try #require(SharedInstrument.instrument)
        let catalog = try #require(SharedInstrument.catalog)
        let renderer = ScreenRenderer(style: try AppStyle.named("food-blue"))
        for layout in catalog.layouts {
            let reading = try instrument.detector.reading(try renderer.render(layout, seed: 78, width: 128, height: 256), layout: layout)
            #expect(reading.bestCandidate >= reading.iou && reading.bestCandidate <= 1, "\(layout.id): \(reading)")
        }
        let layout = try #require(catalog.layout(id: "toast"))
        let image = try renderer.render(layout, seed: 78, width: 128, height: 256)
        let toast = try #require(AnomalyRegionDetector.target(layout, width: 128, height: 256).first)
        // Two copies of the toast, stacked, high on the page: one region twice as heavy as the real toast.
        var pixels = image.pixels
        for copy in 0..<2 {
            for y in 0..<toast.h {
                for x in toast.x..<toast.maxX {
                    let (from, to) = ((toast.y + y) * 128 + x, (60 + copy * toast.h + y) * 128 + x)
                    for c in 0..<4 { pixels[to * 4 + c] = pixels[from * 4 + c] }
                }
            }
        }
        #expect(toast.y > 60 + 2 * toast.h + 20, "the copies must not touch the toast at \(toast)")
        let plain = try instrument.detector.reading(image, layout: layout)
        let distracted = try instrument.detector.reading(try RGBAImage(width: 128, height: 256, pixels: pixels), layout: layout)
        #expect(plain.iou > 0.7, "\(plain)")
        #expect(distracted.iou < 0.2, "\(distracted)")
        #expect(distracted.bestCandidate > 0.7, "\(distracted)")
    }

    @Test func aBlankScreenHasNoAnomalyRegion() throws {
        let instrument = try #require(SharedInstrument.instrument)
        let layout = try #require(SharedInstrument.catalog?.layout(id: "toast"))
        let blank = try RGBAImage(width: 128, height: 256, fill: (r: 245, g: 245, b: 247, a: 255))
        #expect(try instrument.detector.detect(blank, layout: layout).isEmpty)
        #expect(try instrument.detector.adherence(blank, layout: layout) == 0)
    }

    @Test func theNormalTwinScoresBelowTheAnomalyScreen() throws {
        // The same screen without its anomaly must not "adhere" as well: the detector reads pixels, not the layout.
        let instrument = try #require(SharedInstrument.instrument)
        let catalog = try #require(SharedInstrument.catalog)
        var anomaly = 0.0, normal = 0.0
        for layout in catalog.layouts {
            let renderer = ScreenRenderer(style: try AppStyle.named("shop-orange"))
            anomaly += try instrument.detector.adherence(renderer.render(layout, seed: 77, width: 128, height: 256), layout: layout)
            normal += try instrument.detector.adherence(renderer.render(layout, seed: 77, width: 128, height: 256, variant: .normal), layout: layout)
        }
        #expect(normal < anomaly / 2, "normal twins \(normal) vs anomaly screens \(anomaly), summed over layouts")
    }

    @Test func rendererDiversityIsAboveTheFloorAndIdenticalImagesAreZero() throws {
        let check = try #require(SharedInstrument.instrument).selfCheck
        #expect(check.diversity > Diversity.floor)
        let layout = try #require(SharedInstrument.catalog?.layout(id: "centre_modal"))
        let image = try ScreenRenderer(style: try AppStyle.named("food-yellow")).render(layout, seed: 5, width: 128, height: 256)
        #expect(try Diversity.meanPairwise([image, image, image]) == 0)
    }

    @Test func blurAloneStaysUnderTheDiversityFloor() throws {
        // The floor must not be reachable by blur or resampling noise: a 2x down-and-up copy differs by less.
        let layout = try #require(SharedInstrument.catalog?.layout(id: "network_error"))
        for style in AppStyle.builtIn {
            let image = try ScreenRenderer(style: style).render(layout, seed: 9, width: 128, height: 256)
            let small = try image.downsampled(toWidth: 64)
            var pixels = image.pixels
            for y in 0..<256 { for x in 0..<128 { for c in 0..<3 { pixels[(y * 128 + x) * 4 + c] = small.pixels[((y / 2) * 64 + x / 2) * 4 + c] } } }
            let blurred = try RGBAImage(width: 128, height: 256, pixels: pixels)
            #expect(try Diversity.distance(image, blurred) < Diversity.floor, "\(style.name)")
        }
    }
}
