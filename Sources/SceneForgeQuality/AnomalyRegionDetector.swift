import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth

/// Finds where the anomaly is on a screen in the procedural style (docs/quality-bars.md).
///
/// One per-pixel linear scorer per anomaly type (the type that was asked for is known when measuring a
/// generated image; the question is where it landed), trained on renderer screens and their anomaly boxes.
/// Scores above 0.5 are kept, and each connected region of at least `minAreaFraction` of the image becomes a box.
public struct AnomalyRegionDetector: Sendable {
    /// Every image is measured at this width (box-averaged down), so sizes do not change the features.
    public static let workingWidth = 64
    /// Regions smaller than this fraction of the image are noise, not an anomaly element.
    public static let minAreaFraction = 0.002
    /// Regions whose box is smaller than this fraction of the largest region's box are dropped.
    public static let minRelativeArea = 0.15
    /// Pixels sampled per image and class when training (keeps training to seconds).
    static let samplesPerClass = 300

    let scorers: [String: BoostedStumps]

    /// The anomaly types this detector can look for.
    public var anomalyTypes: [String] { scorers.keys.sorted() }

    /// Trains one scorer per anomaly type found in `screens`.
    public static func train(on screens: [LabelledScreen]) throws -> AnomalyRegionDetector {
        var rows: [String: [[Float]]] = [:], targets: [String: [Float]] = [:]
        for screen in screens {
            let work = try screen.image.downsampled(toWidth: workingWidth)
            let features = PixelFeatures(try ColourPlanes(work))
            let inside = RegionOverlap.mask(target(screen.layout, width: work.width, height: work.height), width: work.width, height: work.height)
            var rng = SeededRandom(seed: screen.seed, key: 0xDE7EC7)
            let positives = inside.indices.filter { inside[$0] }, negatives = inside.indices.filter { !inside[$0] }
            for (pixels, label) in [(positives, Float(1)), (negatives, Float(0))] where !pixels.isEmpty {
                for _ in 0..<min(samplesPerClass, pixels.count) {
                    rows[screen.layout.anomalyType, default: []].append(features.row(rng.pick(pixels)))
                    targets[screen.layout.anomalyType, default: []].append(label)
                }
            }
        }
        var scorers: [String: BoostedStumps] = [:]
        for (type, typeRows) in rows {
            scorers[type] = try BoostedStumps(rows: typeRows, targets: targets[type] ?? [])
        }
        return AnomalyRegionDetector(scorers: scorers)
    }

    /// The region a layout asks for: its anomaly boxes except the dim overlay, which is a page-wide
    /// effect around the anomaly rather than a place on the screen.
    public static func target(_ layout: Layout, width: Int, height: Int) -> [PixelRect] {
        layout.anomalyBoxes.filter { $0.kind != .dimOverlay }.compactMap { box in
            guard let size = try? RasterSize(width: width, height: height) else { return nil }
            return PixelRect(box.rect, in: size)
        }
    }

    /// The anomaly boxes found in `image`, in its own pixels.
    public func detect(_ image: RGBAImage, anomalyType: String) throws -> [PixelRect] {
        guard let scorer = scorers[anomalyType] else {
            throw QualityError("the detector knows no anomaly type '\(anomalyType)' (known: \(anomalyTypes.joined(separator: ", ")))")
        }
        let work = try image.downsampled(toWidth: Self.workingWidth)
        let features = PixelFeatures(try ColourPlanes(work))
        let scores = (0..<(work.width * work.height)).map { scorer.predict(features.row($0)) }
        // A 3x3 mean first: single stray pixels are texture, not regions.
        let smooth = SummedArea(scores, width: work.width, height: work.height).means(radius: 1)
        let minArea = max(1, Int(Self.minAreaFraction * Double(work.width * work.height)))
        var regions = ConnectedRegions.boxes(smooth.map { $0 > 0.5 }, width: work.width, height: work.height, minArea: minArea)
        // Elements of one anomaly are of comparable size; far smaller blobs are false alarms.
        if let largest = regions.first.map({ $0.w * $0.h }) {
            regions = regions.filter { Double($0.w * $0.h) >= Self.minRelativeArea * Double(largest) }
        }
        let (sx, sy) = (Double(image.width) / Double(work.width), Double(image.height) / Double(work.height))
        return regions.map { box in
            let x0 = Int((Double(box.x) * sx).rounded()), y0 = Int((Double(box.y) * sy).rounded())
            let x1 = Int((Double(box.maxX) * sx).rounded()), y1 = Int((Double(box.maxY) * sy).rounded())
            return PixelRect(x: x0, y: y0, w: x1 - x0, h: y1 - y0)
        }
    }

    /// Layout adherence of one image: IoU of the detected region with the layout's anomaly region.
    public func adherence(_ image: RGBAImage, layout: Layout) throws -> Double {
        let found = try detect(image, anomalyType: layout.anomalyType)
        return RegionOverlap.iou(found, Self.target(layout, width: image.width, height: image.height), width: image.width, height: image.height)
    }
}
