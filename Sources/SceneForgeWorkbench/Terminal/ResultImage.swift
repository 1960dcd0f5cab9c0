import Foundation
import SceneForgeEngine
import SceneForgeImaging

/// Reads a result image whatever format the engine wrote: PNG, or the binary PPM (P6) of engines whose
/// generator does not write PNG (the model-free `scheduled-noise` test generator). Decided by the
/// file's first bytes, not its name.
enum ResultImage {
    static let extensions: Set<String> = ["png", "ppm"]

    static func read(_ url: URL) throws -> RGBAImage {
        guard isPPM(url) else { return try PNGFile.read(contentsOf: url) }
        let rgb = try ImageFileWriter.readPPM(url.path)
        let count = rgb.width * rgb.height
        var pixels = [UInt8](repeating: 255, count: count * 4)
        for i in 0..<count {
            pixels[i * 4] = rgb.pixels[i * 3]
            pixels[i * 4 + 1] = rgb.pixels[i * 3 + 1]
            pixels[i * 4 + 2] = rgb.pixels[i * 3 + 2]
        }
        return try RGBAImage(width: rgb.width, height: rgb.height, pixels: pixels)
    }

    static func isPPM(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)) == Data("P6".utf8)
    }
}
