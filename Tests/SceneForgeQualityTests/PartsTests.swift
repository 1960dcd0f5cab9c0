import SceneForgeImaging
import SceneForgeQuality
import SceneForgeScenes
import SceneForgeSynth
import Testing

/// The instrument's parts on inputs whose answer is known by construction.
struct PartsTests {
    @Test func standardErrorOfAMean() throws {
        // Two hits and two misses: sample deviation √(1/3), over √4.
        let error = try #require(QualityInstrument.standardError([1, 0, 1, 0]))
        #expect(abs(error - (1.0 / 3).squareRoot() / 2) < 1e-12)
        #expect(try #require(QualityInstrument.standardError([0.7, 0.7, 0.7])) < 1e-12)
        #expect(QualityInstrument.standardError([0.7]) == nil)
    }

    @Test func iouOfKnownBoxes() {
        let a = [PixelRect(x: 0, y: 0, w: 10, h: 10)], b = [PixelRect(x: 5, y: 0, w: 10, h: 10)]
        #expect(RegionOverlap.iou(a, b, width: 20, height: 20) == 50.0 / 150.0)
        #expect(RegionOverlap.iou(a, a, width: 20, height: 20) == 1)
        #expect(RegionOverlap.iou(a, [], width: 20, height: 20) == 0)
        // Boxes partly or wholly off the image are clipped, never a crash.
        #expect(RegionOverlap.iou([PixelRect(x: -5, y: 30, w: 3, h: 3)], a, width: 20, height: 20) == 0)
    }

    @Test func groupingJoinsNearBoxesWithinItsScaledGap() {
        // At 100x100 the gaps are 5 columns and 4 rows: a banner 2 rows above a bar joins it, unless the gap is scaled to 0.
        let banner = PixelRect(x: 10, y: 10, w: 80, h: 10), bar = PixelRect(x: 10, y: 22, w: 80, h: 6)
        #expect(BoxGrouping.merge([banner, bar], width: 100, height: 100) == [PixelRect(x: 10, y: 10, w: 80, h: 18)])
        #expect(BoxGrouping.merge([banner, bar], width: 100, height: 100, gapScale: 0).count == 2)
        #expect(BoxGrouping.merge([banner, PixelRect(x: 10, y: 20, w: 80, h: 6)], width: 100, height: 100, gapScale: 0).count == 1)
    }

    @Test func softeningBlursAndFadesTowardsThePageOnly() throws {
        let layout = try #require(SceneCatalog.builtIn().layout(id: "network_error"))
        let image = try ScreenRenderer(style: AppStyle.named("shop-orange")).render(layout, seed: 3, width: 128, height: 256)
        let soft = try Softening.soften(image, seed: 3)
        #expect(try Softening.soften(image, seed: 3) == soft)
        let (crisp, faded) = (try ColourPlanes(image), try ColourPlanes(soft))
        // The page colour stays; every pixel moves towards it, so the spread of luma around it shrinks.
        #expect(abs(ColourPlanes.median(faded.luma) - ColourPlanes.median(crisp.luma)) < 2.0 / 255)
        func spread(_ planes: ColourPlanes) -> Float {
            let page = ColourPlanes.median(planes.luma)
            return planes.luma.map { abs($0 - page) }.reduce(0, +) / Float(planes.luma.count)
        }
        #expect(spread(faded) < 0.9 * spread(crisp) && spread(faded) > 0.3 * spread(crisp), "\(spread(faded)) vs \(spread(crisp))")
        // Edges blur: neighbouring pixels differ less.
        func edges(_ planes: ColourPlanes) -> Float {
            (0..<(planes.luma.count - 1)).map { abs(planes.luma[$0 + 1] - planes.luma[$0]) }.reduce(0, +)
        }
        #expect(edges(faded) < 0.7 * edges(crisp))
    }

    @Test func aHaloRunsPastTheElementOntoThePage() throws {
        // The halo screen is the blur screen with a wide blur blended in: the same for the same seed, and the page just
        // outside the network error's retry button, which the blur screen leaves at the page colour, glows.
        let layout = try #require(SceneCatalog.builtIn().layout(id: "network_error"))
        let image = try ScreenRenderer(style: AppStyle.named("shop-orange")).render(layout, seed: 3, width: 128, height: 256)
        let (blurred, halo) = (try Softening.soften(image, seed: 3, .blur), try Softening.soften(image, seed: 3, .halo))
        #expect(try Softening.soften(image, seed: 3, .halo) == halo && halo != blurred)
        #expect(try Softening.soften(image, seed: 3) == blurred, "blur is the default")
        let target = try #require(AnomalyRegionDetector.target(layout, width: 128, height: 256).first)
        let crisp = try ColourPlanes(image), page = ColourPlanes.median(crisp.luma)
        func isPage(_ planes: ColourPlanes, _ y: Int) -> Bool {
            (target.x..<target.maxX).allSatisfy { abs(planes.luma[y * 128 + $0] - page) < 1e-3 }
        }
        // The button is the anomaly region's lowest drawn row. The blur's radius is 1-2 pixels and the halo's 3-6: the
        // 3rd and 4th rows below the button are page when crisp or blurred, and glow with a halo.
        let buttonBottom = try #require((target.y..<target.maxY).last { !isPage(crisp, $0) })
        let band = (buttonBottom + 3)...(buttonBottom + 4)
        #expect(band.allSatisfy { isPage(crisp, $0) }, "the band must be page in the crisp screen")
        func offPage(_ picture: RGBAImage) throws -> Float {
            let planes = try ColourPlanes(picture)
            return band.flatMap { y in (target.x..<target.maxX).map { abs(planes.luma[y * 128 + $0] - page) } }.reduce(0, +)
        }
        let (glow, blur) = (try offPage(halo), try offPage(blurred))
        #expect(blur < 0.01 && glow > 0.2, "\(glow) vs \(blur)")
    }

    @Test func aScorePictureIsTheMapInBlocks() throws {
        // A 2x2 map drawn at 4x6: each score a 2x3 block, clamped to 0...1.
        let map = AnomalyRegionDetector.ScoreMap(width: 2, height: 2, scores: [0, 0.5, 1, 3])
        let picture = try DetectionOverlay.scores(map, width: 4, height: 6)
        func grey(_ x: Int, _ y: Int) -> UInt8 { picture.pixels[4 * (y * 4 + x)] }
        #expect(picture.width == 4 && picture.height == 6)
        #expect(grey(0, 0) == 0 && grey(1, 2) == 0 && grey(2, 0) == 128 && grey(3, 2) == 128 && grey(0, 3) == 255 && grey(3, 5) == 255)
    }

    @Test func edgeSnappingMovesEachSideOntoTheNearestEdge() throws {
        // A blue card at x 10..<40, y 20..<30 on a white page; a box 3 pixels off on every side.
        var image = try RGBAImage(width: 64, height: 64, fill: (r: 255, g: 255, b: 255, a: 255))
        for y in 20..<30 { for x in 10..<40 { (image.pixels[4 * (y * 64 + x)], image.pixels[4 * (y * 64 + x) + 1]) = (40, 90) } }
        let snapping = EdgeSnapping(planes: try ColourPlanes(image))
        let card = PixelRect(x: 10, y: 20, w: 30, h: 10), off = PixelRect(x: 13, y: 17, w: 24, h: 16)
        #expect(snapping.snapped(off, radius: 3) == card)
        #expect(snapping.snapped(off, radius: 6) == card, "a wider search finds the same edges")
        #expect(snapping.snapped(off, radius: 0) == off)
        // On a blank stretch of page no edge is stronger than another: the box stays where it was.
        let blank = PixelRect(x: 20, y: 40, w: 10, h: 10)
        #expect(snapping.snapped(blank, radius: 4) == blank)
        // At the image's border the box stays inside the image and keeps a side apart from the other.
        let border = snapping.snapped(PixelRect(x: 0, y: 60, w: 2, h: 4), radius: 6)
        #expect(border.x >= 0 && border.y >= 0 && border.maxX <= 64 && border.maxY <= 64 && border.w >= 1 && border.h >= 1)
    }

    @Test func overlayFramesTheTargetAndTheDetection() throws {
        let image = try RGBAImage(width: 20, height: 20, fill: (r: 255, g: 255, b: 255, a: 255))
        let out = DetectionOverlay.draw(image, target: [PixelRect(x: 2, y: 2, w: 6, h: 6)], detected: [PixelRect(x: 7, y: 10, w: 30, h: 4)])
        func colour(_ x: Int, _ y: Int) -> [UInt8] { Array(out.pixels[(4 * (y * 20 + x))..<(4 * (y * 20 + x) + 3)]) }
        // The target's frame runs just outside its box (2...7), the detection's just inside its own.
        #expect(colour(1, 1) == [0, 220, 0] && colour(8, 5) == [0, 220, 0] && colour(2, 2) == [255, 255, 255])
        #expect(colour(4, 4) == [255, 255, 255], "inside a frame is the image")
        // The detected box runs off the image: clipped, its right edge on the last column.
        #expect(colour(7, 10) == [255, 0, 0] && colour(19, 12) == [255, 0, 0] && colour(12, 12) == [255, 255, 255])
        #expect(DetectionOverlay.draw(image, target: [PixelRect(x: 30, y: 30, w: 4, h: 4)], detected: []) == image)
        // A detection exactly on its target: both frames show, green around red.
        let exact = DetectionOverlay.draw(image, target: [PixelRect(x: 4, y: 4, w: 8, h: 8)], detected: [PixelRect(x: 4, y: 4, w: 8, h: 8)])
        func exactColour(_ x: Int, _ y: Int) -> [UInt8] { Array(exact.pixels[(4 * (y * 20 + x))..<(4 * (y * 20 + x) + 3)]) }
        #expect(exactColour(3, 3) == [0, 220, 0] && exactColour(12, 8) == [0, 220, 0])
        #expect(exactColour(4, 4) == [255, 0, 0] && exactColour(11, 8) == [255, 0, 0])
    }

    @Test func ridgeRegressionRecoversALinearRule() throws {
        // y = 2a − b + 0.5 exactly; a lightly penalised fit predicts it to 1e-3.
        var rows: [[Float]] = [], targets: [[Float]] = []
        for i in 0..<200 {
            let a = Float(i % 17) / 17, b = Float((i * 7) % 13) / 13
            rows.append([a, b])
            targets.append([2 * a - b + 0.5])
        }
        let model = try RidgeRegression(rows: rows, targets: targets, penalty: 1e-8)
        #expect(abs(model.predict([0.3, 0.6])[0] - (0.6 - 0.6 + 0.5)) < 1e-3)
    }

    @Test func boostedTreesLearnAThreshold() throws {
        let rows = (0..<100).map { [Float($0) / 100] }
        let model = try BoostedTrees(rows: rows, targets: rows.map { $0[0] > 0.6 ? 1 : 0 })
        #expect(model.predict([0.9]) > 0.9 && model.predict([0.1]) < 0.1)
    }

    @Test func themeColourClassesJoinOnlyLookAlikeApps() throws {
        let groups = ThemeColour.groups()
        #expect(groups.count == 7)
        #expect(try ThemeColour.of(style: "rail-blue", in: groups) == ThemeColour.of(style: "pay-blue", in: groups))
        #expect(try ThemeColour.of(style: "coffee-navy", in: groups) != ThemeColour.of(style: "food-blue", in: groups))
        #expect(try ThemeColour.of(style: "video-pink", in: groups) != ThemeColour.of(style: "shop-red", in: groups))
        #expect(throws: QualityError.self) { try ThemeColour.of(style: "no-such-app", in: groups) }
    }

    @Test func themeConfusionCountsHitsAndNamesTheMisses() throws {
        let groups = ThemeColour.groups()
        let (yellow, blue, pink) = try (ThemeColour.of(style: "food-yellow", in: groups).name, ThemeColour.of(style: "pay-blue", in: groups).name,
                                        ThemeColour.of(style: "video-pink", in: groups).name)
        var confusion = ThemeConfusion()
        #expect(confusion.accuracy == 0 && confusion.rows().isEmpty)
        for recognised in [yellow, yellow, blue, pink, blue] { confusion.add(requested: yellow, recognised: recognised) }
        confusion.add(requested: blue, recognised: blue)
        #expect(confusion.total == 6 && confusion.hits == 3 && confusion.accuracy == 0.5)
        // Rows follow the class order; misses most frequent first; the four blue apps shortened to one name.
        #expect(confusion.rows() == ["food-yellow 2/5 (food-blue+3 2, video-pink 1)", "food-blue+3 1/1"])
    }

    @Test func badInputsThrowNamedErrors() throws {
        let tiny = try RGBAImage(width: 4, height: 4, fill: (r: 0, g: 0, b: 0, a: 255))
        #expect(throws: QualityError.self) { try ColourPlanes(tiny) }
        let a = try RGBAImage(width: 16, height: 32, fill: (r: 0, g: 0, b: 0, a: 255))
        let b = try RGBAImage(width: 32, height: 16, fill: (r: 0, g: 0, b: 0, a: 255))
        #expect(throws: QualityError.self) { try Diversity.distance(a, b) }
        #expect(throws: QualityError.self) { try Diversity.meanPairwise([a]) }
        #expect(throws: QualityError.self) { try RidgeRegression(rows: [], targets: []) }
        #expect(throws: QualityError.self) { try RendererCorpus.screens(layouts: [], seeds: [1]) }
    }
}

extension PartsTests {
    @Test func raggedTrainingRowsThrow() {
        #expect(throws: QualityError.self) { try BoostedTrees(rows: [[1, 2], [3]], targets: [0, 1]) }
        #expect(throws: QualityError.self) { try RidgeRegression(rows: [[1, 2], [3]], targets: [[0], [1]]) }
    }
}
