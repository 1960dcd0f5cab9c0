import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth

/// A procedural screen with what it was asked to show: the labelled data every instrument trains and is
/// proven on.
public struct LabelledScreen: Sendable {
    public let image: RGBAImage
    public let layout: Layout
    public let style: AppStyle
    public let seed: UInt64
}

/// Renders labelled screens deterministically: every layout x every style x `seeds`. Training and
/// held-out sets are made from disjoint seed lists, so a held-out figure is about unseen screens.
public enum RendererCorpus {
    public static func screens(layouts: [Layout], styles: [AppStyle] = AppStyle.builtIn, seeds: [UInt64],
                               width: Int = 128, height: Int = 256) throws -> [LabelledScreen] {
        guard !layouts.isEmpty, !styles.isEmpty, !seeds.isEmpty else {
            throw QualityError("a renderer corpus needs at least one layout, one style and one seed")
        }
        var out: [LabelledScreen] = []
        for layout in layouts {
            for style in styles {
                for seed in seeds {
                    // Mix the layout and style into the seed so no two screens share a palette draw.
                    let screenSeed = SeededRandom.derive(seed, fnv1a(layout.id + "/" + style.name))
                    let image = try ScreenRenderer(style: style).render(layout, seed: screenSeed, width: width, height: height)
                    out.append(LabelledScreen(image: image, layout: layout, style: style, seed: screenSeed))
                }
            }
        }
        return out
    }
}

/// FNV-1a of the UTF-8 bytes: a hash that is the same in every process and on every platform.
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return hash
}
