/// One PNG chunk: a 4-letter type and its data. The length and CRC are implied and
/// recomputed on write, checked on read.
public struct PNGChunk: Equatable, Sendable {
    public let type: String
    public let data: [UInt8]

    public init(type: String, data: [UInt8]) {
        self.type = type
        self.data = data
    }
}

/// Splits a PNG file into chunks and joins chunks back into a file. Working at this level
/// (instead of through libpng's longjmp-based reader) lets SceneForge validate the
/// structure, the CRCs and the header before any pixel is decoded, and read and write the
/// text chunks without touching the image data.
public enum PNGChunkCodec {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The PNG spec caps a chunk length at 2^31 - 1.
    static let maxChunkLength = UInt32(Int32.max)

    /// Parses every chunk up to and including IEND, checking lengths and CRCs.
    public static func parse(_ bytes: [UInt8]) throws -> [PNGChunk] {
        guard bytes.count >= signature.count else {
            throw ImagingError.notPNG("file is \(bytes.count) bytes, shorter than the 8-byte PNG signature")
        }
        guard Array(bytes[0..<8]) == signature else {
            throw ImagingError.notPNG("the first 8 bytes are not the PNG signature")
        }
        var chunks: [PNGChunk] = []
        var offset = 8
        while true {
            guard bytes.count - offset >= 12 else {
                throw ImagingError.malformedPNG(
                    "file is truncated at byte \(offset) after \(chunks.count) chunks (no IEND chunk)")
            }
            let length = readUInt32(bytes, at: offset)
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            guard typeBytes.allSatisfy(isASCIILetter) else {
                throw ImagingError.malformedPNG("chunk at byte \(offset) has an invalid type \(typeBytes)")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= maxChunkLength else {
                throw ImagingError.malformedPNG("chunk \(type) at byte \(offset) declares length \(length) > 2^31-1")
            }
            let dataStart = offset + 8
            let dataEnd = dataStart + Int(length)
            guard dataEnd + 4 <= bytes.count else {
                throw ImagingError.malformedPNG(
                    "chunk \(type) at byte \(offset) declares \(length) bytes but the file ends at byte \(bytes.count) (truncated)")
            }
            let storedCRC = readUInt32(bytes, at: dataEnd)
            let actualCRC = CRC32.checksum(bytes[(offset + 4)..<dataEnd])
            guard storedCRC == actualCRC else {
                throw ImagingError.malformedPNG(
                    "chunk \(type) at byte \(offset) has a bad CRC (stored \(hex(storedCRC)), computed \(hex(actualCRC)))")
            }
            chunks.append(PNGChunk(type: type, data: Array(bytes[dataStart..<dataEnd])))
            offset = dataEnd + 4
            if type == "IEND" { return chunks }
        }
    }

    /// Serialises chunks (the caller supplies IHDR first and IEND last).
    public static func serialize(_ chunks: [PNGChunk]) -> [UInt8] {
        var out = signature
        out.reserveCapacity(chunks.reduce(8) { $0 + $1.data.count + 12 })
        for chunk in chunks {
            appendUInt32(&out, UInt32(chunk.data.count))
            let typeStart = out.count
            out.append(contentsOf: Array(chunk.type.utf8))
            out.append(contentsOf: chunk.data)
            appendUInt32(&out, CRC32.checksum(out[typeStart...]))
        }
        return out
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    static func appendUInt32(_ out: inout [UInt8], _ value: UInt32) {
        out.append(UInt8(value >> 24)); out.append(UInt8((value >> 16) & 0xFF))
        out.append(UInt8((value >> 8) & 0xFF)); out.append(UInt8(value & 0xFF))
    }

    private static func isASCIILetter(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
    }

    private static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}
