import Foundation
import Testing
@testable import SceneForgeImaging

/// Decodes every fixture written by scripts/reference/make_png_fixtures.py and compares with
/// the RGBA pixels the script derived from its own source arrays.
struct PNGDecodeTests {
    struct Entry: Decodable, CustomStringConvertible {
        let name: String, width: Int, height: Int, colorType: Int, bitDepth: Int, interlaced: Bool
        var description: String { name }
    }

    static let entries: [Entry] = {
        guard let data = try? Data(contentsOf: Fixtures.url("png/manifest.json")),
              let list = try? JSONDecoder().decode([Entry].self, from: data) else { return [] }
        return list
    }()

    @Test func manifestCoversEveryFormat() {
        let kinds = Set(Self.entries.map { "\($0.colorType)/\($0.bitDepth)" })
        for required in ["0/8", "0/16", "4/8", "4/16", "2/8", "2/16", "6/8", "6/16", "3/8"] {
            #expect(kinds.contains(required), "no fixture for colour type/bit depth \(required)")
        }
        #expect(Self.entries.contains { $0.interlaced })
    }

    @Test(arguments: entries)
    func decodesToReferencePixels(_ entry: Entry) throws {
        let image = try PNGFile.read(Fixtures.bytes("png/\(entry.name).png"))
        let expected = try Fixtures.bytes("png/\(entry.name).rgba")
        #expect(image.width == entry.width && image.height == entry.height)
        guard entry.bitDepth == 16, entry.interlaced, entry.colorType >= 4 else {
            #expect(image.pixels == expected)
            return
        }
        // This path goes through libpng's premultiplied 16-bit output (see PNGDecoder.finishRead16):
        // alpha is exact, colour within 1 wherever alpha >= 64 (below that, premultiplication
        // has already discarded precision).
        for i in stride(from: 0, to: expected.count, by: 4) {
            #expect(image.pixels[i + 3] == expected[i + 3])
            guard expected[i + 3] >= 64 else { continue }
            for c in 0..<3 { #expect(abs(Int(image.pixels[i + c]) - Int(expected[i + c])) <= 1, "pixel \(i / 4)") }
        }
    }

    @Test(arguments: entries)
    func headerMatchesManifest(_ entry: Entry) throws {
        let header = try PNGDecoder.structure(of: Fixtures.bytes("png/\(entry.name).png")).header
        #expect(Int(header.colorType.rawValue) == entry.colorType)
        #expect(Int(header.bitDepth) == entry.bitDepth)
        #expect(header.interlaced == entry.interlaced)
    }

    @Test func rgbaRoundTrip() throws {
        var pixels = [UInt8]()
        for i in 0..<(17 * 11) { pixels += [UInt8(i % 256), UInt8((i * 7) % 256), UInt8((i * 13) % 256), UInt8((i * 3) % 256)] }
        let image = try RGBAImage(width: 17, height: 11, pixels: pixels)
        let bytes = try PNGEncoder.encode(image)
        #expect(try PNGDecoder.structure(of: bytes).header.colorType == .rgba)
        #expect(try PNGFile.read(bytes) == image)
    }

    @Test func opaqueImagesAreWrittenAsRGB() throws {
        let image = try RGBAImage(width: 5, height: 3, fill: (10, 200, 30, 255))
        let bytes = try PNGEncoder.encode(image)
        #expect(try PNGDecoder.structure(of: bytes).header.colorType == .rgb)
        #expect(try PNGFile.read(bytes) == image)
    }

    @Test func writtenFilesReadBackInPillowLayout() throws {
        // The fixture written by Pillow re-encoded by us must decode to the same pixels.
        let original = try PNGFile.read(Fixtures.bytes("png/rgba8_interlaced.png"))
        #expect(try PNGFile.read(PNGEncoder.encode(original)) == original)
    }
}
