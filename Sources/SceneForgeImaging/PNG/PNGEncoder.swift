import CPNG

/// Writes 8-bit RGB (opaque images) or RGBA PNGs through libpng's `png_image` writer,
/// then splices extra chunks (text metadata) in after IHDR.
public enum PNGEncoder {
    public static func encode(_ image: RGBAImage, extraChunks: [PNGChunk] = []) throws -> [UInt8] {
        let opaque = image.isOpaque
        let channels = opaque ? 3 : 4
        let source: [UInt8] = opaque ? dropAlpha(image.pixels) : image.pixels

        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = opaque ? PNGFormat.rgb : PNGFormat.rgba
        defer { png_image_free(&png) }

        let stride = png_int_32(image.width * channels)
        // First call measures, second call writes.
        var size: png_alloc_size_t = 0
        let measured = source.withUnsafeBytes { raw in
            png_image_write_to_memory(&png, nil, &size, 0, raw.baseAddress, stride, nil)
        }
        guard measured != 0 else { throw ImagingError.libpng(PNGDecoder.message(of: &png)) }
        var out = [UInt8](repeating: 0, count: Int(size))
        let written = out.withUnsafeMutableBytes { dst in
            source.withUnsafeBytes { raw in
                png_image_write_to_memory(&png, dst.baseAddress, &size, 0, raw.baseAddress, stride, nil)
            }
        }
        guard written != 0 else { throw ImagingError.libpng(PNGDecoder.message(of: &png)) }
        out.removeLast(out.count - Int(size))
        guard !extraChunks.isEmpty else { return out }

        var chunks = try PNGChunkCodec.parse(out)
        chunks.insert(contentsOf: extraChunks, at: 1)
        return PNGChunkCodec.serialize(chunks)
    }

    private static func dropAlpha(_ rgba: [UInt8]) -> [UInt8] {
        var rgb = [UInt8]()
        rgb.reserveCapacity(rgba.count / 4 * 3)
        var i = 0
        while i < rgba.count {
            rgb.append(rgba[i]); rgb.append(rgba[i + 1]); rgb.append(rgba[i + 2])
            i += 4
        }
        return rgb
    }
}
