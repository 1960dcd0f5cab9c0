/// The IHDR fields, validated against the combinations the PNG spec allows.
public struct PNGHeader: Equatable, Sendable {
    public enum ColorType: UInt8, Sendable {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6
    }
    public let width: Int
    public let height: Int
    public let bitDepth: UInt8
    public let colorType: ColorType
    public let interlaced: Bool

    init(chunk: PNGChunk) throws {
        guard chunk.type == "IHDR" else {
            throw ImagingError.malformedPNG("the first chunk is \(chunk.type), expected IHDR")
        }
        guard chunk.data.count == 13 else {
            throw ImagingError.malformedPNG("IHDR has \(chunk.data.count) bytes, expected 13")
        }
        let d = chunk.data
        let w = PNGChunkCodec.readUInt32(d, at: 0)
        let h = PNGChunkCodec.readUInt32(d, at: 4)
        guard w > 0, h > 0, w <= PNGChunkCodec.maxChunkLength, h <= PNGChunkCodec.maxChunkLength else {
            throw ImagingError.malformedPNG("IHDR size \(w)x\(h) is outside 1...2^31-1")
        }
        guard let colorType = ColorType(rawValue: d[9]) else {
            throw ImagingError.malformedPNG("IHDR colour type \(d[9]) is not one of 0, 2, 3, 4, 6")
        }
        let allowedDepths: [UInt8]
        switch colorType {
        case .gray: allowedDepths = [1, 2, 4, 8, 16]
        case .palette: allowedDepths = [1, 2, 4, 8]
        case .rgb, .grayAlpha, .rgba: allowedDepths = [8, 16]
        }
        guard allowedDepths.contains(d[8]) else {
            throw ImagingError.malformedPNG("IHDR bit depth \(d[8]) is not allowed with colour type \(d[9])")
        }
        guard d[10] == 0, d[11] == 0, d[12] <= 1 else {
            throw ImagingError.malformedPNG(
                "IHDR compression/filter/interlace methods \(d[10])/\(d[11])/\(d[12]) are not 0/0/0-or-1")
        }
        width = Int(w)
        height = Int(h)
        bitDepth = d[8]
        self.colorType = colorType
        interlaced = d[12] == 1
    }
}
