import SceneForgeImaging
import SceneForgeScenes
@testable import SceneForgeSynth

/// Shared helpers for the renderer tests (namespaced so other test targets never collide).
enum SynthTestSupport {
    static let catalog: SceneCatalog? = try? SceneCatalog.builtIn()

    static func layouts() throws -> [Layout] {
        guard let catalog else { throw SynthError("built-in catalog did not load") }
        return catalog.layouts
    }

    static func layout(_ id: String) throws -> Layout {
        guard let found = try layouts().first(where: { $0.id == id }) else { throw SynthError("no built-in layout \(id)") }
        return found
    }

    /// Mean absolute difference per channel (RGB) over the whole image, 0...255.
    static func meanAbsDiff(_ a: RGBAImage, _ b: RGBAImage) -> Double {
        var total = 0
        for i in 0..<(a.width * a.height) {
            for c in 0..<3 { total += abs(Int(a.pixels[i * 4 + c]) - Int(b.pixels[i * 4 + c])) }
        }
        return Double(total) / Double(a.width * a.height * 3)
    }

    static func rgb(_ image: RGBAImage, _ x: Int, _ y: Int) -> (Int, Int, Int) {
        let p = image.pixel(x: x, y: y)
        return (Int(p.r), Int(p.g), Int(p.b))
    }

    static func luma(_ image: RGBAImage, _ x: Int, _ y: Int) -> Double {
        let (r, g, b) = rgb(image, x, y)
        return 0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)
    }

    static func meanLuma(_ image: RGBAImage, in rect: PixelRect? = nil) -> Double {
        let r = rect ?? PixelRect(x: 0, y: 0, w: image.width, h: image.height)
        var sum = 0.0
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { sum += luma(image, x, y) } }
        return sum / Double(max(r.w * r.h, 1))
    }

    /// Largest channel difference between two pixels.
    static func pixelDistance(_ a: RGBAImage, _ b: RGBAImage, _ x: Int, _ y: Int) -> Int {
        let (p, q) = (rgb(a, x, y), rgb(b, x, y))
        return max(abs(p.0 - q.0), abs(p.1 - q.1), abs(p.2 - q.2))
    }

    static func distance(_ p: (Int, Int, Int), _ colour: Colour) -> Float {
        max(abs(Float(p.0) - colour.r), abs(Float(p.1) - colour.g), abs(Float(p.2) - colour.b))
    }
}
