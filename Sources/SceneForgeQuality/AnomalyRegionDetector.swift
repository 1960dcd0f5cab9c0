import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth

/// Finds where the anomaly is on a screen in the procedural style (docs/quality-bars.md).
///
/// One per-pixel scorer (boosted stumps over `PixelFeatures`) per layout: the layout that was asked for is
/// known when measuring a generated image, the question is where its anomaly landed. (Per layout, not per
/// anomaly type: a type's layouts can look nothing alike, such as a page-wide spinner and a list's skeleton
/// rows.) The score map is smoothed and thresholded with hysteresis relative to its own peak (`Threshold`),
/// split into connected regions, nearby regions grouped (`BoxGrouping`), and the heaviest `pieces` groups kept.
public struct AnomalyRegionDetector: Sendable {
    /// Every image is measured at this width (box-averaged down), so sizes do not change the features.
    public static let workingWidth = 64
    /// Regions smaller than this fraction of the image are noise, not an anomaly element.
    public static let minAreaFraction = 0.002
    /// Pixels sampled per image and class when training (keeps training to seconds).
    static let samplesPerClass = 600
    /// Boosting rounds per layout's scorer.
    static let boostingRounds = 200
    /// Hysteresis on the score map, both levels as shares of the image's peak score: a region is the connected
    /// pixels above `grow` that reach `seed` somewhere. Relative, because a generated image draws the same
    /// anomaly with softer contrast than the renderer: its scores are lower everywhere, and a fixed level
    /// calibrated on renderer screens would miss it (a model's toasts scored about half). Hysteresis, because a
    /// soft anomaly's scores dip inside it, and a single level cuts it into pieces. `grouping` scales how near
    /// regions must be to group (`BoxGrouping.gapFraction`): an anomaly of parts (an icon, its message, its button)
    /// wants the full gap, a banner just above the search bar wants none, or it takes the bar in.
    struct Threshold: Sendable, Equatable {
        let seed: Float
        let grow: Float
        var grouping: Double = 1
    }

    /// The levels tried when calibrating: seeds at 0.3...0.8 of the peak, growing down to all, 3/4 or 1/2 of it,
    /// each with the full, half or no grouping gap.
    static let thresholdCandidates: [Threshold] = [1.0, 0.5, 0].flatMap { grouping in
        [0.3, 0.4, 0.5, 0.6, 0.7, 0.8].flatMap { seed in
            [1, 0.75, 0.5].map { Threshold(seed: seed, grow: seed * $0, grouping: grouping) }
        }
    }
    /// Below this peak score an image shows no anomaly at all (a blank page stays under it: test).
    static let evidenceFloor: Float = 0.25

    /// Keyed by layout id, as are `pieces` and `thresholds`.
    let scorers: [String: BoostedTrees]
    /// Per layout, how many separate groups its anomaly region has: the detector keeps that many regions (the
    /// heaviest by score), a prior on the anomaly's shape, not on its position.
    let pieces: [String: Int]
    /// Per layout, the calibrated levels.
    let thresholds: [String: Threshold]
    /// Per layout, how its found boxes are placed on the image (`Placement`), calibrated on the training screens.
    let placements: [String: Placement]
    static let snapCandidates = [0, 2, 4, 6]
    /// The margins tried for each side, in pixels at 128 wide (negative: inward); none first, so that none is kept
    /// unless a margin raises the training IoU (the first of equals wins).
    static let marginCandidates = [0, -4, -2, 2, 4, 6, 8]

    /// How a layout's found boxes become boxes on the image: each side snapped onto the image's own edge within
    /// `snapRadius` (`EdgeSnapping`), then moved outward by its margin, both in pixels at 128 wide. The margins are how
    /// a layout's box sits around what is painted in it, learnt from the training screens as a box regression would
    /// be: the loading page's box holds space above the spinner's ring that nothing marks, and the score map of a thin
    /// element stops short of its edges. They never depend on where the box is, only on the found region's sides.
    struct Placement: Sendable, Equatable {
        var snapRadius = 0
        var top = 0, left = 0, bottom = 0, right = 0
    }

    /// The layouts this detector can look for.
    public var layoutIDs: [String] { scorers.keys.sorted() }

    /// Trains one scorer per layout found in `screens`, then calibrates each layout's threshold for the best
    /// mean IoU on those same training screens.
    public static func train(on screens: [LabelledScreen]) throws -> AnomalyRegionDetector {
        // Each screen's sampled rows, computed on all cores (features are most of the cost), then gathered per layout.
        let samples = try screens.concurrentMap { screen in try trainingRows(screen) }
        var rows: [String: [[Float]]] = [:], targets: [String: [Float]] = [:], pieces: [String: Int] = [:]
        for (screen, sample) in zip(screens, samples) {
            let id = screen.layout.id
            pieces[id] = max(pieces[id] ?? 1, sample.pieces)
            rows[id, default: []] += sample.rows
            targets[id, default: []] += sample.targets
        }
        let layouts = rows.keys.sorted()
        let trained = try layouts.concurrentMap { layout in
            try BoostedTrees(rows: rows[layout] ?? [], targets: targets[layout] ?? [], rounds: boostingRounds)
        }
        let scorers = Dictionary(uniqueKeysWithValues: zip(layouts, trained))
        let uncalibrated = AnomalyRegionDetector(scorers: scorers, pieces: pieces, thresholds: [:], placements: [:])
        // Each training screen scored once (most of calibration's cost), for both calibrations.
        let scored = try screens.concurrentMap { screen in (screen, try uncalibrated.scoreMap(screen.image, layoutID: screen.layout.id)) }
        let thresholds = try uncalibrated.calibratedThresholds(on: scored)
        let unplaced = AnomalyRegionDetector(scorers: scorers, pieces: pieces, thresholds: thresholds, placements: [:])
        return AnomalyRegionDetector(scorers: scorers, pieces: pieces, thresholds: thresholds,
                                     placements: try unplaced.calibratedPlacements(on: scored))
    }

    /// One training screen's sampled pixels: up to `samplesPerClass` inside its anomaly region (target 1) and as many
    /// outside (0), and how many separate pieces that region has.
    private static func trainingRows(_ screen: LabelledScreen) throws -> (rows: [[Float]], targets: [Float], pieces: Int) {
        let work = try screen.image.downsampled(toWidth: workingWidth)
        let features = PixelFeatures(try ColourPlanes(work))
        let inside = RegionOverlap.mask(target(screen.layout, width: work.width, height: work.height), width: work.width, height: work.height)
        let pieces = ConnectedRegions.boxes(inside, width: work.width, height: work.height, minArea: 1).count
        var rng = SeededRandom(seed: screen.seed, key: 0xDE7EC7)
        var rows: [[Float]] = [], targets: [Float] = []
        let positives = inside.indices.filter { inside[$0] }, negatives = inside.indices.filter { !inside[$0] }
        for (pixels, label) in [(positives, Float(1)), (negatives, Float(0))] where !pixels.isEmpty {
            for _ in 0..<min(samplesPerClass, pixels.count) {
                rows.append(features.row(rng.pick(pixels)))
                targets.append(label)
            }
        }
        return (rows, targets, pieces)
    }

    /// Per layout, the candidate threshold with the best mean training IoU (at the working size).
    private func calibratedThresholds(on scored: [(LabelledScreen, ScoreMap)]) throws -> [String: Threshold] {
        try Self.bestPerLayout(Self.thresholdCandidates, on: scored, layoutID: { $0.0.layout.id }) { screen, map in
            let truth = Self.target(screen.layout, width: map.width, height: map.height)
            return Self.thresholdCandidates.map { threshold in
                RegionOverlap.iou(regions(map, layoutID: screen.layout.id, threshold: threshold), truth, width: map.width, height: map.height)
            }
        }
    }

    /// Per layout, the placement with the best mean training IoU (in the screens' pixels): the snapping radius first,
    /// then each side's margin in turn with the others held (the first of equals, so no margin unless one helps).
    private func calibratedPlacements(on scored: [(LabelledScreen, ScoreMap)]) throws -> [String: Placement] {
        // Each screen's view and found regions once, for every candidate.
        let found = try scored.concurrentMap { screen, map in
            (screen: screen, view: View(image: screen.image, map: map, edges: EdgeSnapping(planes: try ColourPlanes(screen.image))),
             boxes: regions(map, layoutID: screen.layout.id, threshold: threshold(for: screen.layout.id)))
        }
        // One field of every layout's placement set to its best candidate, the other fields held.
        func calibrate(_ field: WritableKeyPath<Placement, Int> & Sendable, _ candidates: [Int],
                       from current: [String: Placement]) throws -> [String: Placement] {
            @Sendable func setting(_ value: Int, in placement: Placement) -> Placement {
                var changed = placement
                changed[keyPath: field] = value
                return changed
            }
            let chosen = try Self.bestPerLayout(candidates, on: found, layoutID: { $0.screen.layout.id }) { item in
                let base = current[item.screen.layout.id] ?? Placement()
                return candidates.map { iou(item.boxes, in: item.view, layout: item.screen.layout, placement: setting($0, in: base)) }
            }
            return chosen.reduce(into: current) { placements, entry in
                placements[entry.key] = setting(entry.value, in: current[entry.key] ?? Placement())
            }
        }
        var placements = try calibrate(\.snapRadius, Self.snapCandidates, from: [:])
        for side: WritableKeyPath<Placement, Int> & Sendable in [\.top, \.left, \.bottom, \.right] {
            placements = try calibrate(side, Self.marginCandidates, from: placements)
        }
        return placements
    }

    /// Per layout, the candidate whose summed IoU over that layout's items is highest (the first of equals);
    /// `ious` gives one item's IoU for each candidate, in order.
    private static func bestPerLayout<Candidate, Item: Sendable>(_ candidates: [Candidate], on items: [Item],
                                                                 layoutID: (Item) -> String,
                                                                 _ ious: @Sendable (Item) throws -> [Double]) throws -> [String: Candidate] {
        let perItem = try items.concurrentMap { try ious($0) }
        var totals: [String: [Double]] = [:]
        for (item, ious) in zip(items, perItem) {
            let id = layoutID(item)
            totals[id] = zip(totals[id] ?? Array(repeating: 0, count: ious.count), ious).map { $0 + $1 }
        }
        return totals.mapValues { sums in candidates[sums.indices.max { sums[$0] < sums[$1] } ?? 0] }
    }

    /// The region a layout asks for: its anomaly boxes except the dim overlay (a page-wide effect around the
    /// anomaly rather than a place on the screen), with nearly touching boxes grouped (`BoxGrouping`).
    public static func target(_ layout: Layout, width: Int, height: Int) -> [PixelRect] {
        guard let size = try? RasterSize(width: width, height: height) else { return [] }
        let boxes = layout.anomalyBoxes.filter { $0.kind != .dimOverlay }.map { PixelRect($0.rect, in: size) }
        return BoxGrouping.merge(boxes, width: width, height: height)
    }

    /// The boxes of `layout`'s anomaly found in `image`, in its own pixels.
    public func detect(_ image: RGBAImage, layout: Layout) throws -> [PixelRect] {
        let view = try view(image, layoutID: layout.id)
        return placed(regions(view.map, layoutID: layout.id, threshold: threshold(for: layout.id)), in: view, placement: placement(for: layout.id))
    }

    /// Layout adherence of one image: IoU of the detected region with the layout's anomaly region.
    public func adherence(_ image: RGBAImage, layout: Layout) throws -> Double {
        let view = try view(image, layoutID: layout.id)
        return iou(regions(view.map, layoutID: layout.id, threshold: threshold(for: layout.id)), in: view, layout: layout,
                   placement: placement(for: layout.id))
    }

    /// One image's layout adherence as the bar reads it, and as the detector's best candidate region reads it.
    public struct Reading: Sendable, Equatable {
        /// IoU of the detected region with the layout's anomaly region: the bar's figure.
        public let iou: Double
        /// The best IoU among the regions the score map holds at any calibration level (up to `pieces` of its
        /// `candidateGroups` heaviest groups). It looks at the answer to choose, so it is a diagnostic and never
        /// the bar: high under a low `iou`, the anomaly was drawn in place and the detector kept another region
        /// or merged it with a neighbour; both low, it was drawn elsewhere or not at all.
        public let bestCandidate: Double
    }

    /// How many of the heaviest groups, at each calibration level, the best candidate is chosen from.
    static let candidateGroups = 6

    /// `adherence`, and the best candidate beside it (a search over every calibration level: for diagnostics only).
    public func reading(_ image: RGBAImage, layout: Layout) throws -> Reading {
        let view = try view(image, layoutID: layout.id)
        let placement = placement(for: layout.id)
        let detected = iou(regions(view.map, layoutID: layout.id, threshold: threshold(for: layout.id)), in: view, layout: layout, placement: placement)
        var best = detected   // the detected region is a candidate too, also when it is empty
        for candidate in Self.thresholdCandidates {
            let groups = Array(groups(view.map, threshold: candidate).prefix(Self.candidateGroups).map(\.rect))
            for subset in Self.subsets(of: groups, upTo: pieces[layout.id] ?? 1) {
                best = max(best, iou(subset, in: view, layout: layout, placement: placement))
            }
        }
        return Reading(iou: detected, bestCandidate: best)
    }

    /// One image as the detector reads it for one layout: the score map, and the image's edges to snap onto.
    private struct View {
        let image: RGBAImage
        let map: ScoreMap
        let edges: EdgeSnapping
    }

    private func view(_ image: RGBAImage, layoutID: String) throws -> View {
        View(image: image, map: try scoreMap(image, layoutID: layoutID), edges: EdgeSnapping(planes: try ColourPlanes(image)))
    }

    /// Boxes found at the working size, in the image's pixels, placed as `placement` says (its pixels are at 128 wide).
    private func placed(_ boxes: [PixelRect], in view: View, placement: Placement) -> [PixelRect] {
        let scale = Double(view.image.width) / 128
        func pixels(_ length: Int) -> Int { Int((Double(length) * scale).rounded()) }
        return boxes.map { box in
            let snapped = view.edges.snapped(Self.scaled(box, from: view.map, to: view.image), radius: pixels(placement.snapRadius))
            // On the image, and at least a pixel wide where inward margins would turn the box inside out.
            let (width, height) = (view.image.width, view.image.height)
            let x0 = min(width - 1, max(0, snapped.x - pixels(placement.left))), y0 = min(height - 1, max(0, snapped.y - pixels(placement.top)))
            let x1 = max(x0 + 1, min(width, snapped.maxX + pixels(placement.right)))
            let y1 = max(y0 + 1, min(height, snapped.maxY + pixels(placement.bottom)))
            return PixelRect(x: x0, y: y0, w: x1 - x0, h: y1 - y0)
        }
    }

    /// IoU, in the image's pixels, of boxes found at the working size (placed as `placed`) with `layout`'s anomaly region.
    private func iou(_ boxes: [PixelRect], in view: View, layout: Layout, placement: Placement) -> Double {
        let (width, height) = (view.image.width, view.image.height)
        return RegionOverlap.iou(placed(boxes, in: view, placement: placement), Self.target(layout, width: width, height: height),
                                 width: width, height: height)
    }

    /// Every non-empty subset of `items` with at most `size` members.
    static func subsets<T>(of items: [T], upTo size: Int) -> [[T]] {
        guard size > 0, let first = items.first else { return [] }
        let rest = Array(items.dropFirst())
        let withFirst = [[first]] + subsets(of: rest, upTo: size - 1).map { [first] + $0 }
        return withFirst + subsets(of: rest, upTo: size)
    }

    /// A box at the working size in `image`'s pixels.
    private static func scaled(_ box: PixelRect, from map: ScoreMap, to image: RGBAImage) -> PixelRect {
        let (sx, sy) = (Double(image.width) / Double(map.width), Double(image.height) / Double(map.height))
        let x0 = Int((Double(box.x) * sx).rounded()), y0 = Int((Double(box.y) * sy).rounded())
        let x1 = Int((Double(box.maxX) * sx).rounded()), y1 = Int((Double(box.maxY) * sy).rounded())
        return PixelRect(x: x0, y: y0, w: x1 - x0, h: y1 - y0)
    }

    private func threshold(for layoutID: String) -> Threshold { thresholds[layoutID] ?? Threshold(seed: 0.5, grow: 0.5) }

    private func placement(for layoutID: String) -> Placement { placements[layoutID] ?? Placement() }

    /// Smoothed per-pixel scores at the working size.
    public struct ScoreMap: Sendable {
        public let width: Int
        public let height: Int
        public let scores: [Float]

        public init(width: Int, height: Int, scores: [Float]) { (self.width, self.height, self.scores) = (width, height, scores) }
    }

    /// What the detector's regions are cut from: `image`'s score map for `layout`, at the working size.
    public func scoreMap(_ image: RGBAImage, layout: Layout) throws -> ScoreMap { try scoreMap(image, layoutID: layout.id) }

    private func scoreMap(_ image: RGBAImage, layoutID: String) throws -> ScoreMap {
        guard let scorer = scorers[layoutID] else {
            throw QualityError("the detector was not trained on layout '\(layoutID)' (known: \(layoutIDs.joined(separator: ", ")))")
        }
        let work = try image.downsampled(toWidth: Self.workingWidth)
        let features = PixelFeatures(try ColourPlanes(work))
        let raw = (0..<(work.width * work.height)).map { scorer.predict(features.row($0)) }
        // A 3x3 mean: single stray pixels are texture, not regions.
        return ScoreMap(width: work.width, height: work.height, scores: SummedArea(raw, width: work.width, height: work.height).means(radius: 1))
    }

    /// The kept region boxes of a score map, at the working size.
    private func regions(_ map: ScoreMap, layoutID: String, threshold: Threshold) -> [PixelRect] {
        groups(map, threshold: threshold).prefix(pieces[layoutID] ?? 1).map(\.rect)
    }

    /// The grouped regions of a score map at `threshold`, at the working size, heaviest (by summed score) first.
    private func groups(_ map: ScoreMap, threshold: Threshold) -> [(rect: PixelRect, weight: Double)] {
        let peak = map.scores.max() ?? 0
        guard peak >= Self.evidenceFloor else { return [] }
        let (seed, grow) = (max(Self.evidenceFloor, threshold.seed * peak), max(Self.evidenceFloor, threshold.grow * peak))
        let minArea = max(1, Int(Self.minAreaFraction * Double(map.width * map.height)))
        let found = ConnectedRegions.regions(map.scores.map { $0 > grow }, weights: map.scores, width: map.width, height: map.height,
                                             minArea: minArea).filter { $0.peak > seed }
        return BoxGrouping.merge(found.map { ($0.rect, $0.mass) }, width: map.width, height: map.height, gapScale: threshold.grouping)
            .sorted { $0.weight > $1.weight }
    }
}
