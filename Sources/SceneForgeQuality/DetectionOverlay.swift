import SceneForgeImaging
import SceneForgeScenes

/// A picture of one adherence measurement: the image with the layout's target region outlined in green and the
/// detector's boxes in red, so a low IoU can be read at a glance (`eval --save-images` writes one per image). The
/// green frame runs just outside its box and the red one just inside, so a detection that lands on its target shows
/// as a double line instead of hiding the target.
public enum DetectionOverlay {
    public static let targetColour: (UInt8, UInt8, UInt8) = (0, 220, 0)
    public static let detectedColour: (UInt8, UInt8, UInt8) = (255, 0, 0)

    public static func draw(_ image: RGBAImage, target: [PixelRect], detected: [PixelRect]) -> RGBAImage {
        var out = image
        for box in target { outline(&out, PixelRect(x: box.x - 1, y: box.y - 1, w: box.w + 2, h: box.h + 2), targetColour) }
        // Detected last: where a frame crosses the other, the detector's is the one on top.
        for box in detected { outline(&out, box, detectedColour) }
        return out
    }

    /// A detector's score map as a grey picture of `width` x `height` (each score pixel a block; black 0, white 1 or
    /// more): where its regions came from, to tell a region that runs past the anomaly from one that misses it.
    public static func scores(_ map: AnomalyRegionDetector.ScoreMap, width: Int, height: Int) throws -> RGBAImage {
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            let row = min(map.height - 1, y * map.height / height)
            for x in 0..<width {
                let level = UInt8((max(0, min(1, map.scores[row * map.width + min(map.width - 1, x * map.width / width)])) * 255).rounded())
                let i = 4 * (y * width + x)
                (pixels[i], pixels[i + 1], pixels[i + 2]) = (level, level, level)
            }
        }
        return try RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// A one-pixel frame just inside `box`, clipped to the image.
    private static func outline(_ image: inout RGBAImage, _ box: PixelRect, _ colour: (UInt8, UInt8, UInt8)) {
        let x0 = max(0, box.x), y0 = max(0, box.y)
        let x1 = min(image.width, box.x + box.w) - 1, y1 = min(image.height, box.y + box.h) - 1
        guard x0 <= x1, y0 <= y1 else { return }
        func paint(_ x: Int, _ y: Int) {
            let i = 4 * (y * image.width + x)
            (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2], image.pixels[i + 3]) = (colour.0, colour.1, colour.2, 255)
        }
        for x in x0...x1 { paint(x, y0); paint(x, y1) }
        for y in y0...y1 { paint(x0, y); paint(x1, y) }
    }
}
