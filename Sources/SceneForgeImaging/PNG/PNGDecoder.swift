import CPNG

/// Decodes PNG files into `RGBAImage` with libpng's simplified `png_image` API, which
/// reports errors through `png_image.message` instead of longjmp-ing into Swift.
/// Every PNG colour type, bit depth and interlacing is accepted; 16-bit samples are
/// reduced to 8 bits and palettes (with tRNS) are expanded.
public enum PNGDecoder {
    /// The validated structure of a file: its header and every chunk.
    public struct Structure: Sendable {
        public let header: PNGHeader
        public let chunks: [PNGChunk]
    }

    /// Checks signature, chunk lengths, CRCs, IHDR and the size limits. No pixel is decoded.
    public static func structure(of bytes: [UInt8], limits: PNGLimits = .default) throws -> Structure {
        let chunks = try PNGChunkCodec.parse(bytes)
        guard let first = chunks.first else { throw ImagingError.malformedPNG("no chunks") }
        let header = try PNGHeader(chunk: first)
        try limits.check(header)
        guard chunks.contains(where: { $0.type == "IDAT" }) else {
            throw ImagingError.malformedPNG("no IDAT chunk (no image data)")
        }
        if header.colorType == .palette, !chunks.contains(where: { $0.type == "PLTE" }) {
            throw ImagingError.malformedPNG("palette image (colour type 3) without a PLTE chunk")
        }
        return Structure(header: header, chunks: chunks)
    }

    public static func decode(_ bytes: [UInt8], limits: PNGLimits = .default) throws -> RGBAImage {
        let header = try structure(of: bytes, limits: limits).header
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        let began = bytes.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard began != 0 else { throw ImagingError.libpng(message(of: &image)) }
        guard Int(image.width) == header.width, Int(image.height) == header.height else {
            throw ImagingError.malformedPNG("libpng read size \(image.width)x\(image.height), IHDR says \(header.width)x\(header.height)")
        }
        let pixels = header.bitDepth == 16 && header.interlaced
            ? try finishRead16(&image, header)
            : try finishRead8(&image, header)
        return try RGBAImage(width: header.width, height: header.height, pixels: pixels)
    }

    private static func finishRead8(_ image: inout png_image, _ header: PNGHeader) throws -> [UInt8] {
        // Without gAMA/sRGB, libpng would treat 16-bit samples as linear light; every other
        // reader (browsers, Pillow) treats them as sRGB, and so do we.
        image.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
        image.format = PNGFormat.rgba
        var pixels = [UInt8](repeating: 0, count: header.width * header.height * 4)
        let finished = pixels.withUnsafeMutableBytes { raw in
            png_image_finish_read(&image, nil, raw.baseAddress, png_int_32(header.width * 4), nil)
        }
        guard finished != 0 else { throw ImagingError.libpng(message(of: &image)) }
        return pixels
    }

    /// libpng 1.6.39 scrambles rows when it reduces an interlaced 16-bit image to 8 bits, so
    /// such images are read as 16-bit "linear" (no gamma conversion is applied when the file
    /// has no gAMA, i.e. the raw samples, alpha premultiplied) and reduced here.
    private static func finishRead16(_ image: inout png_image, _ header: PNGHeader) throws -> [UInt8] {
        image.format = PNGFormat.rgba | png_uint_32(PNG_FORMAT_FLAG_LINEAR)
        var wide = [UInt16](repeating: 0, count: header.width * header.height * 4)
        let finished = wide.withUnsafeMutableBytes { raw in
            png_image_finish_read(&image, nil, raw.baseAddress, png_int_32(header.width * 4), nil)
        }
        guard finished != 0 else { throw ImagingError.libpng(message(of: &image)) }
        var pixels = [UInt8](repeating: 0, count: wide.count)
        for i in stride(from: 0, to: wide.count, by: 4) {
            let alpha = UInt32(wide[i + 3])
            guard alpha > 0 else { continue }
            for c in 0..<3 {
                let straight = min(65535, (UInt32(wide[i + c]) * 65535 + alpha / 2) / alpha)
                pixels[i + c] = UInt8((straight + 128) / 257)
            }
            pixels[i + 3] = UInt8((alpha + 128) / 257)
        }
        return pixels
    }

    static func message(of image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "unknown error" : text
    }
}

/// `png_image.format` values (the header builds them from flag macros Swift cannot import).
enum PNGFormat {
    static let alpha = png_uint_32(PNG_FORMAT_FLAG_ALPHA)
    static let color = png_uint_32(PNG_FORMAT_FLAG_COLOR)
    static let rgb = color
    static let rgba = color | alpha
}
