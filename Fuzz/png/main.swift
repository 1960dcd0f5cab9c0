// libFuzzer target for SceneForge's PNG reader: chunk parsing, IHDR checks, libpng decoding,
// text chunks (tEXt/zTXt/iTXt), the sceneforge JSON record, A1111 parameters, and rendering a
// thumbnail of whatever decodes. Built together with the SceneForgeImaging sources by build.sh.

/// Small limits keep each input cheap; the limit checks themselves are under test.
private let fuzzLimits = PNGLimits(maxPixels: 1 << 20, maxDimension: 4096, maxTextBytes: 1 << 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let meta = try? PNGFile.metadata(bytes, limits: fuzzLimits), let text = meta.text["parameters"] {
        let parsed = A1111Parameters.parse(text)
        _ = A1111Parameters.parse(parsed.text)
    }
    if let image = try? PNGFile.read(bytes, limits: fuzzLimits) {
        _ = try? ThumbnailRenderer.render(image, columns: 16, rows: 8, options: ThumbnailOptions(symbols: .sextant, colors: .palette256))
        if let again = try? PNGFile.read(PNGEncoder.encode(image)), again != image {
            fatalError("PNG round trip changed the pixels")  // a real bug: let libFuzzer report it
        }
    }
    return 0
}
