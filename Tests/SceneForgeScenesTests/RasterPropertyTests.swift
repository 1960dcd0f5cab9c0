import Foundation
import Testing
@testable import SceneForgeScenes

/// Checks of the rasteriser against facts computed independently from the layout boxes.
@Suite struct RasterPropertyTests {
    static let catalog = Result { try SceneCatalog.builtIn() }
    static var layouts: [Layout] { (try? catalog.get().layouts) ?? [] }
    static let size = Result { try RasterSize(width: 180, height: 390) }

    /// True when a box drawn after `index` covers pixel (x, y) with its rectangle.
    static func coveredLater(_ layout: Layout, after index: Int, x: Int, y: Int, size: RasterSize) -> Bool {
        layout.boxesInDrawingOrder.dropFirst(index + 1).contains { box in
            let r = PixelRect(box.rect, in: size)
            return x >= r.x && x < r.maxX && y >= r.y && y < r.maxY
        }
    }

    @Test(arguments: layouts)
    func segmentationShowsTheTopmostKindAtEachBoxCentre(_ layout: Layout) throws {
        let size = try Self.size.get()
        let image = try LayoutRasterizer(layout: layout, size: size).controlImage(style: .segmentation)
        #expect(image.channels == 3)
        for (index, box) in layout.boxesInDrawingOrder.enumerated() {
            let r = PixelRect(box.rect, in: size)
            let (cx, cy) = (r.x + r.w / 2, r.y + r.h / 2)
            guard !Self.coveredLater(layout, after: index, x: cx, y: cy, size: size) else { continue }
            #expect(image.pixel(x: cx, y: cy) == SegmentationPalette.color(of: box.kind), "\(layout.id).\(box.id)")
        }
    }

    @Test(arguments: layouts)
    func edgesOutlineEachVisibleBoxTopEdge(_ layout: Layout) throws {
        let size = try Self.size.get()
        let image = try LayoutRasterizer(layout: layout, size: size).controlImage(style: .edges)
        for (index, box) in layout.boxesInDrawingOrder.enumerated() where box.kind != .textLine && !box.kind.isBackdrop {
            let r = PixelRect(box.rect, in: size)
            let cx = r.x + r.w / 2
            guard !Self.coveredLater(layout, after: index, x: cx, y: r.y, size: size) else { continue }
            #expect(image.pixel(x: cx, y: r.y) == [255, 255, 255], "\(layout.id).\(box.id)")
        }
        // Edge images are white strokes on black: every pixel is grey (r == g == b).
        for p in stride(from: 0, to: image.pixels.count, by: 3) {
            guard image.pixels[p] == image.pixels[p + 1] && image.pixels[p] == image.pixels[p + 2] else {
                Issue.record("\(layout.id): coloured pixel in an edges image")
                return
            }
        }
    }

    @Test(arguments: layouts)
    func hardMaskIsExactlyTheUnionOfAnomalyBoxes(_ layout: Layout) throws {
        let size = try Self.size.get()
        let mask = try LayoutRasterizer(layout: layout, size: size).inpaintingMask()
        #expect(mask.channels == 1)
        let rects = layout.anomalyBoxes.filter { !$0.kind.isBackdrop }.map { PixelRect($0.rect, in: size) }
        var mismatches = 0
        for y in 0..<size.height {
            for x in 0..<size.width {
                let inside = rects.contains { x >= $0.x && x < $0.maxX && y >= $0.y && y < $0.maxY }
                if mask.pixels[y * size.width + x] != (inside ? 255 : 0) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(mask.pixels.contains(255), "\(layout.id): empty mask")
    }

    @Test func backdropsJoinTheMaskOnlyWhenAsked() throws {
        let layout = try #require(try Self.catalog.get().layout(id: "centre_modal"))
        let rasterizer = LayoutRasterizer(layout: layout, size: try Self.size.get())
        let plain = try rasterizer.inpaintingMask()
        let withOverlay = try rasterizer.inpaintingMask(MaskOptions(includeBackdrops: true))
        #expect(plain.pixels.contains(0))
        #expect(withOverlay.pixels.allSatisfy { $0 == 255 }, "the dim overlay covers the whole screen")
    }

    @Test func featheredMaskFallsOffWithDistance() throws {
        let layout = try #require(try Self.catalog.get().layout(id: "toast"))
        let size = try Self.size.get()
        let mask = try LayoutRasterizer(layout: layout, size: size).inpaintingMask(MaskOptions(dilation: 2, feather: 5))
        let toast = PixelRect(try #require(layout.anomalyBoxes.first).rect, in: size)
        let row = toast.y + toast.h / 2
        func value(_ x: Int) -> UInt8 { mask.pixels[row * size.width + x] }
        // Inside and within the dilation: full. Then strictly decreasing for 5 px, then zero.
        for x in toast.x - 2..<toast.maxX + 2 { #expect(value(x) == 255) }
        var previous = 255
        for step in 3...7 {
            let v = Int(value(toast.maxX - 1 + step))
            #expect(v < previous && v > 0, "step \(step): \(v)")
            previous = v
        }
        #expect(value(toast.maxX - 1 + 8) == 0)
    }

    @Test(arguments: layouts)
    func boxesScaleConsistentlyAcrossResolutions(_ layout: Layout) throws {
        let small = try RasterSize(width: 720, height: 1440)
        let large = try RasterSize(width: 1080, height: 2340)
        let a = LayoutRasterizer(layout: layout, size: small).groundTruth()
        let b = LayoutRasterizer(layout: layout, size: large).groundTruth()
        #expect(a.count == layout.boxes.count && b.count == layout.boxes.count)
        for (box, (ra, rb)) in zip(layout.boxes, zip(a, b)) {
            #expect(ra.boxId == box.id && rb.boxId == box.id && ra.kind == box.kind)
            // Each edge lies within half a pixel of the exact scaled coordinate...
            for (gt, s) in [(ra.rect, small), (rb.rect, large)] {
                let (W, H) = (Double(s.width), Double(s.height))
                #expect(abs(Double(gt.x) - box.rect.x * W) <= 0.5)
                #expect(abs(Double(gt.maxX) - (box.rect.x + box.rect.w) * W) <= 0.5)
                #expect(abs(Double(gt.y) - box.rect.y * H) <= 0.5)
                #expect(abs(Double(gt.maxY) - (box.rect.y + box.rect.h) * H) <= 0.5)
                #expect(gt.coco == [gt.x, gt.y, gt.w, gt.h])
            }
            // ...so the two resolutions agree in relative terms to within a pixel of the smaller.
            #expect(abs(Double(ra.rect.x) / 720 - Double(rb.rect.x) / 1080) <= 1.0 / 720)
            #expect(abs(Double(ra.rect.h) / 1440 - Double(rb.rect.h) / 2340) <= 1.0 / 1440)
            #expect(ra.anomalyType == (box.isAnomaly ? layout.anomalyType : nil))
        }
    }

    @Test func renderingIsDeterministicAcrossRunsAndThreads() async throws {
        let layouts = Self.layouts
        let size = try Self.size.get()
        func renderAll(_ layout: Layout) throws -> [RasterImage] {
            let r = LayoutRasterizer(layout: layout, size: size)
            return [try r.controlImage(style: .edges), try r.controlImage(style: .segmentation), try r.inpaintingMask(MaskOptions(dilation: 1, feather: 2))]
        }
        let serial = try layouts.map(renderAll)
        #expect(try layouts.map(renderAll) == serial)
        let parallel = try await withThrowingTaskGroup(of: (Int, [RasterImage]).self) { group in
            for (index, layout) in layouts.enumerated() { group.addTask { (index, try renderAll(layout)) } }
            var results = [[RasterImage]](repeating: [], count: layouts.count)
            for try await (index, images) in group { results[index] = images }
            return results
        }
        #expect(parallel == serial)
    }

    @Test func badSizesAndOptionsThrow() throws {
        let layout = try #require(try Self.catalog.get().layout(id: "toast"))
        #expect(throws: RasterError.self) { try LayoutRasterizer(layout: layout, width: 0, height: 100) }
        #expect(throws: RasterError.self) { try LayoutRasterizer(layout: layout, width: 100, height: 20000) }
        let r = try LayoutRasterizer(layout: layout, width: 64, height: 128)
        #expect(throws: RasterError.self) { try r.inpaintingMask(MaskOptions(dilation: -1)) }
        #expect(throws: RasterError.self) { try r.inpaintingMask(MaskOptions(feather: 5000)) }
        #expect(throws: RasterError.self) { try RasterImage(width: 4, height: 4, channels: 2) }
        #expect(throws: RasterError.self) { try RasterImage(width: 4, height: 4, channels: 1, pixels: [1, 2, 3]) }
    }

    @Test func tinyCanvasesStillGiveEveryBoxAPixel() throws {
        for layout in Self.layouts {
            let r = try LayoutRasterizer(layout: layout, width: 1, height: 1)
            #expect(r.groundTruth().allSatisfy { $0.rect == PixelRect(x: 0, y: 0, w: 1, h: 1) })
            _ = try r.controlImage(style: .edges)
            _ = try r.inpaintingMask(MaskOptions(dilation: 3, feather: 3))
        }
    }

    @Test func netpbmRoundTripsAndRejectsGarbage() throws {
        var image = try RasterImage(width: 3, height: 2, channels: 3)
        image.pixels = (0..<18).map { UInt8($0 * 14) }
        #expect(try Netpbm.decode(Netpbm.encode(image)) == image)
        let grey = try RasterImage(width: 2, height: 2, channels: 1, pixels: [0, 64, 128, 255])
        #expect(try Netpbm.decode(Data("P5\n# comment\n2 2\n255\n".utf8) + Data([0, 64, 128, 255])) == grey)
        #expect(throws: RasterError.self) { try Netpbm.decode(Data("P3\n1 1\n255\n0 0 0".utf8)) }
        #expect(throws: RasterError.self) { try Netpbm.decode(Data("P5\n4 4\n255\n".utf8) + Data([1, 2])) }
        #expect(throws: RasterError.self) { try Netpbm.decode(Data("P5\n".utf8)) }
    }

    @Test func aspectGivesDiffusionFriendlyHeights() {
        #expect(CanvasAspect.phone.height(forWidth: 720) == 1568)  // 1560 exact, nearest multiple of 16
        #expect(CanvasAspect.halfWidth.height(forWidth: 1024) == 2048)
        #expect(CanvasAspect(parsing: "9:19.5") == .phone)
        #expect(CanvasAspect(parsing: "9:-1") == nil)
        #expect(CanvasAspect(parsing: "tall") == nil)
    }

    @Test func textStrokesCountCJKAsWide() {
        #expect(TextStrokes.wordUnits("Retry now") == [5, 3])
        #expect(TextStrokes.wordUnits("网络不稳定，请稍后重试") == [8, 8, 6])
        #expect(TextStrokes.wordUnits("¥28 元") == [3, 2])
        #expect(TextStrokes.wordUnits("   ").isEmpty)
    }
}

extension Layout: CustomTestStringConvertible {
    public var testDescription: String { id }
}

@Suite struct DegenerateLayoutTests {
    @Test func nonFiniteAndHugeCoordinatesFromCodeDoNotTrap() throws {
        let boxes = [
            LayoutBox(id: "nan", kind: .toast, rect: NormalizedRect(x: .nan, y: 0.5, w: 0.2, h: .infinity), isAnomaly: true),
            LayoutBox(id: "huge", kind: .dialog, rect: NormalizedRect(x: -1e300, y: 1e300, w: 2e300, h: 0.1), isAnomaly: true),
        ]
        let layout = Layout(id: "degenerate", name: "Degenerate", anomalyType: "toast", boxes: boxes)
        let r = try LayoutRasterizer(layout: layout, width: 32, height: 64)
        for box in r.groundTruth() {
            #expect(box.rect.x >= 0 && box.rect.maxX <= 32 && box.rect.y >= 0 && box.rect.maxY <= 64 && box.rect.w >= 1 && box.rect.h >= 1)
        }
        _ = try r.controlImage(style: .edges)
        _ = try r.controlImage(style: .segmentation)
        _ = try r.inpaintingMask(MaskOptions(dilation: 2, feather: 2))
        #expect(CanvasAspect(width: 0, height: 1).height(forWidth: 100) == 16)
    }
}
