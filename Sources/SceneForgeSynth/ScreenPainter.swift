import SceneForgeScenes

/// Paints one screen: the page, then every box bottom to top in the look its kind, its place
/// and the variant call for. Each box draws from its own random stream (see
/// `ScreenPlan.contentKey`), so the normal and anomaly renders of a seed agree everywhere the
/// anomaly does not reach.
final class ScreenPainter {
    let surface: Surface
    let palette: ScreenPalette
    let plan: ScreenPlan
    let size: RasterSize
    let seed: UInt64
    let variant: RenderVariant
    /// The colour each painted container was filled with, for readable text on it.
    var grounds: [Int: Colour] = [:]
    /// Where the header colour runs (status bar, header and, often, the search bar).
    var band: Frame?
    var bandColour: Colour
    private var skipped: Set<Int> = []

    init(layout: Layout, style: String, palette: ScreenPalette, size: RasterSize, seed: UInt64, variant: RenderVariant) {
        self.palette = palette
        self.size = size
        // The style takes part in every random choice, so one seed differs across styles too.
        self.seed = StableHash.combine(seed, StableHash.of("style/" + style))
        self.variant = variant
        plan = ScreenPlan(layout)
        surface = Surface(width: size.width, height: size.height, background: palette.background)
        bandColour = palette.header == .plain ? palette.background : palette.primary
    }

    var width: Double { Double(size.width) }
    var height: Double { Double(size.height) }
    /// Card and dialog radius in pixels.
    var radius: Double { palette.radius(screenWidth: size.width) }
    /// A stroke width that stays visible at 128 px and does not get heavy at 1080 px.
    var hairline: Double { max(1, width / 360) }

    func paint() -> [UInt8] {
        paintPage()
        for index in plan.order {
            let planned = plan.boxes[index]
            if let parent = planned.parent, skipped.contains(parent) {
                skipped.insert(index)
                continue
            }
            switch treatment(index) {
            case .skip: skipped.insert(index)
            case .page(let kind): paintFurniture(index, as: kind)
            case .anomaly: paintAnomaly(index)
            }
        }
        return surface.pixels
    }

    enum Treatment {
        case skip
        /// Drawn as ordinary page content of this kind.
        case page(BoxKind)
        case anomaly
    }

    /// Anomaly boxes draw as anomalies; in the normal variant, an inline anomaly becomes what
    /// would be there without it (a loaded image, a distinct entry, an enabled button, the
    /// old price) and a floating one is left out.
    func treatment(_ index: Int) -> Treatment {
        let planned = plan.boxes[index]
        let box = planned.box
        guard box.isAnomaly else { return .page(box.kind) }
        if variant == .anomaly { return .anomaly }
        if planned.inOverlay { return .skip }
        switch box.kind {
        case .imagePlaceholder: return .page(.image)
        case .listItem: return .page(.listItem)
        case .skeleton:
            let rect = pixelRect(index)
            return .page(rect.w > rect.h * 3 ? .textLine : .image)
        case .button where isGreyedLayout: return .page(.button)
        case .textLine where PriceText.isPrice(box.text): return .page(.textLine)
        default: return .skip
        }
    }

    /// Layouts whose anomaly is a disabled control draw their anomalous buttons greyed.
    var isGreyedLayout: Bool {
        let type = plan.layout.anomalyType
        return type.contains("greyed") || type.contains("disabled")
    }

    func pixelRect(_ index: Int) -> PixelRect { PixelRect(plan.layout.boxes[index].rect, in: size) }
    func frame(_ index: Int) -> Frame { Frame(pixelRect(index)) }

    func random(_ index: Int) -> SeededRandom {
        SeededRandom(seed: seed, key: plan.contentKey(index, duplicates: variant == .anomaly))
    }

    /// The colour behind a box: its container's fill, the header band, or the page.
    func ground(_ index: Int) -> Colour {
        if let parent = plan.boxes[index].parent, let colour = grounds[parent] { return colour }
        if let band, frame(index).midY < band.y1 { return bandColour }
        return palette.background
    }

    // MARK: Page

    /// The header band and, when buttons sit at the bottom without a tab bar, a checkout bar.
    private func paintPage() {
        let boxes = plan.layout.boxes
        var rng = SeededRandom(seed: seed, key: StableHash.of("page"))
        if let header = boxes.firstIndex(where: { $0.kind == .header }) {
            var bottom = frame(header).y1
            // Most apps run the header colour behind the search bar.
            if palette.header != .plain, rng.chance(0.65),
                let search = boxes.firstIndex(where: { $0.kind == .searchBar && !$0.isAnomaly }) {
                bottom = max(bottom, frame(search).y1 + height * 0.008)
            }
            let area = Frame(x0: 0, y0: 0, x1: width, y1: bottom)
            band = area
            switch palette.header {
            case .solid: surface.fill(area, palette.primary)
            case .gradient: surface.fill(area, .linear(from: palette.primary, to: palette.secondary, x0: 0, y0: 0, x1: width, y1: bottom))
            case .plain: surface.fill(Frame(x0: 0, y0: bottom - hairline, x1: width, y1: bottom), palette.separator)
            }
            if palette.header == .gradient { bandColour = palette.primary.mixed(with: palette.secondary, 0.5) }
        }
        let hasTabBar = boxes.contains { $0.kind == .tabBar }
        let bottomBoxes = boxes.indices.filter { boxes[$0].rect.y > 0.85 && boxes[$0].kind == .button && !boxes[$0].isAnomaly }
        if !hasTabBar, !bottomBoxes.isEmpty {
            let top = bottomBoxes.map { frame($0).y0 }.min() ?? height
            let bar = Frame(x0: 0, y0: top - height * 0.012, x1: width, y1: height)
            surface.fill(bar, palette.surface)
            surface.fill(Frame(x0: 0, y0: bar.y0, x1: width, y1: bar.y0 + hairline), palette.separator)
        }
    }
}

/// Which of the two renders of a sample to draw.
public enum RenderVariant: String, CaseIterable, Sendable {
    /// The screen with its anomaly.
    case anomaly
    /// The same screen (same seed, same content) as it would look without the anomaly.
    case normal
}
