import Foundation
import Testing
@testable import SceneForgeImaging

/// Hostile and broken files must throw a clear error: never crash, never allocate unbounded memory.
struct PNGMalformedTests {
    static func validPNG() throws -> [UInt8] {
        var pixels = [UInt8]()
        for i in 0..<(32 * 32) { pixels += [UInt8(i % 251), UInt8(i % 13 * 19), UInt8(i % 7 * 36), 255] }
        return try PNGEncoder.encode(RGBAImage(width: 32, height: 32, pixels: pixels))
    }

    /// Rebuilds a file with valid CRCs after `edit` changes its chunks.
    static func rebuilt(_ edit: (inout [PNGChunk]) -> Void) throws -> [UInt8] {
        var chunks = try PNGChunkCodec.parse(validPNG())
        edit(&chunks)
        return PNGChunkCodec.serialize(chunks)
    }

    static func ihdr(width: UInt32, height: UInt32, depth: UInt8 = 8, colorType: UInt8 = 2) -> PNGChunk {
        var d = [UInt8]()
        PNGChunkCodec.appendUInt32(&d, width)
        PNGChunkCodec.appendUInt32(&d, height)
        d += [depth, colorType, 0, 0, 0]
        return PNGChunk(type: "IHDR", data: d)
    }

    static func expectError(_ bytes: [UInt8], limits: PNGLimits = .default, mentioning words: [String]) {
        do {
            _ = try PNGFile.read(bytes, limits: limits)
            Issue.record("decoding succeeded; expected an error mentioning \(words)")
        } catch {
            let message = "\(error)"
            for word in words { #expect(message.localizedCaseInsensitiveContains(word), "\(message)") }
        }
    }

    @Test func wrongSignature() throws {
        var bytes = try Self.validPNG()
        bytes[1] = UInt8(ascii: "J")
        Self.expectError(bytes, mentioning: ["signature"])
        Self.expectError(Array("GIF89a........".utf8), mentioning: ["signature"])
    }

    @Test func emptyFile() { Self.expectError([], mentioning: ["shorter than"]) }

    @Test func truncatedInsideIDAT() throws {
        let bytes = try Self.validPNG()
        Self.expectError(Array(bytes.prefix(bytes.count - 30)), mentioning: ["truncated", "IDAT"])
    }

    @Test func truncatedAfterIDAT() throws {
        let bytes = try Self.validPNG()
        Self.expectError(Array(bytes.dropLast(12)), mentioning: ["truncated", "IEND"])
    }

    @Test func badCRC() throws {
        var bytes = try Self.validPNG()
        bytes[bytes.count - 20] ^= 0xFF  // inside the IDAT data
        Self.expectError(bytes, mentioning: ["CRC", "IDAT"])
    }

    @Test func hugeDimensionsAreRejectedBeforeDecoding() throws {
        let bytes = try Self.rebuilt { $0[0] = Self.ihdr(width: 100_000, height: 100_000) }
        Self.expectError(bytes, mentioning: ["100000x100000", "limit"])
    }

    @Test func pixelLimitIsConfigurable() throws {
        let bytes = try Self.validPNG()
        Self.expectError(bytes, limits: PNGLimits(maxPixels: 1000), mentioning: ["32x32", "1000"])
        #expect(try PNGFile.read(bytes, limits: PNGLimits(maxPixels: 1024)).width == 32)
    }

    @Test func idatBombDecodesOnlyWhatTheHeaderAllows() throws {
        // 16 MiB of zeros behind a 16x16 IHDR: libpng stops at the image size.
        let bytes = try Fixtures.bytes("malformed/idat_bomb.png")
        do {
            let image = try PNGFile.read(bytes)
            #expect(image.pixels.count == 16 * 16 * 4)
        } catch {
            #expect("\(error)".contains("libpng"))
        }
    }

    @Test func zTXtBombIsCapped() throws {
        let bytes = try Fixtures.bytes("malformed/ztxt_bomb.png")
        #expect(throws: ImagingError.metadata("zTXt \"comment\" decompresses to more than 4194304 bytes")) {
            try PNGFile.metadata(bytes)
        }
    }

    @Test func invalidBitDepth() throws {
        let bytes = try Self.rebuilt { $0[0] = Self.ihdr(width: 32, height: 32, depth: 4, colorType: 2) }
        Self.expectError(bytes, mentioning: ["bit depth 4", "colour type 2"])
    }

    @Test func zeroWidth() throws {
        Self.expectError(try Self.rebuilt { $0[0] = Self.ihdr(width: 0, height: 32) }, mentioning: ["IHDR size 0x32"])
    }

    @Test func missingIDAT() throws {
        Self.expectError(try Self.rebuilt { $0.removeAll { $0.type == "IDAT" } }, mentioning: ["no IDAT"])
    }

    @Test func firstChunkNotIHDR() throws {
        Self.expectError(try Self.rebuilt { $0.swapAt(0, 1) }, mentioning: ["expected IHDR"])
    }

    @Test func paletteWithoutPLTE() throws {
        Self.expectError(try Self.rebuilt { $0[0] = Self.ihdr(width: 32, height: 32, colorType: 3) }, mentioning: ["PLTE"])
    }

    @Test func corruptCompressedData() throws {
        let bytes = try Self.rebuilt { chunks in
            guard let i = chunks.firstIndex(where: { $0.type == "IDAT" }) else { return }
            chunks[i] = PNGChunk(type: "IDAT", data: chunks[i].data.enumerated().map { $0.offset > 2 ? $0.element ^ 0x5A : $0.element })
        }
        Self.expectError(bytes, mentioning: ["libpng"])
    }

    @Test func idatTooShortWithValidCRC() throws {
        let bytes = try Self.rebuilt { chunks in
            guard let i = chunks.firstIndex(where: { $0.type == "IDAT" }) else { return }
            chunks[i] = PNGChunk(type: "IDAT", data: Array(chunks[i].data.prefix(chunks[i].data.count / 3)))
        }
        Self.expectError(bytes, mentioning: ["libpng"])
    }

    @Test func hugeDeclaredChunkLength() throws {
        var bytes = try Self.validPNG()
        // The IDAT length field follows the 8-byte signature and the 25-byte IHDR chunk (plus any others).
        let idat = try #require(Self.offset(of: "IDAT", in: bytes))
        bytes.replaceSubrange((idat - 4)..<idat, with: [0xFF, 0xFF, 0xFF, 0xF0])
        Self.expectError(bytes, mentioning: ["IDAT", "length"])
    }

    @Test func randomGarbageAfterSignature() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let bytes = PNGChunkCodec.signature + (0..<200).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(throws: ImagingError.self) { try PNGFile.read(bytes) }
        }
    }

    static func offset(of type: String, in bytes: [UInt8]) -> Int? {
        let pattern = Array(type.utf8)
        guard bytes.count >= 4 else { return nil }
        return (0..<(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == pattern }
    }
}
