import Foundation

/// Binary PGM (P5, grey) and PPM (P6, RGB): the simplest lossless formats, used for golden images
/// and debugging dumps until the PNG writer is wired in.
public enum Netpbm {
    public static func encode(_ image: RasterImage) -> Data {
        let magic = image.channels == 1 ? "P5" : "P6"
        var data = Data("\(magic)\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.pixels)
        return data
    }

    /// Decodes P5/P6 with maxval 255 (what `encode` writes); comments are allowed in the header.
    public static func decode(_ data: Data) throws -> RasterImage {
        let bytes = [UInt8](data)
        var cursor = 0
        func token() throws -> String {
            while cursor < bytes.count {
                if bytes[cursor] == UInt8(ascii: "#") {
                    while cursor < bytes.count && bytes[cursor] != UInt8(ascii: "\n") { cursor += 1 }
                } else if isSpace(bytes[cursor]) {
                    cursor += 1
                } else {
                    break
                }
            }
            let start = cursor
            while cursor < bytes.count && !isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor > start else { throw RasterError("netpbm: header ends early") }
            return String(decoding: bytes[start..<cursor], as: UTF8.self)
        }
        let magic = try token()
        guard magic == "P5" || magic == "P6" else { throw RasterError("netpbm: unsupported magic '\(magic)' (want P5 or P6)") }
        guard let width = Int(try token()), let height = Int(try token()), let maxval = Int(try token()) else {
            throw RasterError("netpbm: width, height and maxval must be integers")
        }
        guard maxval == 255 else { throw RasterError("netpbm: maxval \(maxval) unsupported (want 255)") }
        cursor += 1  // the single whitespace byte after maxval
        let channels = magic == "P5" ? 1 : 3
        try RasterSize.validate(width: width, height: height)
        let count = width * height * channels
        guard bytes.count - cursor >= count else {
            throw RasterError("netpbm: expected \(count) pixel bytes, found \(max(bytes.count - cursor, 0))")
        }
        return try RasterImage(width: width, height: height, channels: channels, pixels: Array(bytes[cursor..<cursor + count]))
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}
