#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// zlib's `uncompress`, found at run time in the zlib that libpng already links (there is no
/// zlib module to import). Used only for compressed text chunks; the output is capped, so a
/// decompression bomb in a zTXt/iTXt chunk fails with an error instead of eating memory.
enum Inflate {
    private typealias Uncompress = @convention(c) (
        UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt
    ) -> Int32

    private static let uncompress: Uncompress? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "uncompress") else { return nil }
        return unsafeBitCast(symbol, to: Uncompress.self)
    }()

    static func inflate(_ compressed: [UInt8], maxBytes: Int, what: String) throws -> [UInt8] {
        guard let uncompress else {
            throw ImagingError.metadata("\(what): zlib's uncompress is not available in this process")
        }
        var out = [UInt8](repeating: 0, count: maxBytes + 1)
        var length = UInt(out.count)
        let status = out.withUnsafeMutableBufferPointer { dst in
            compressed.withUnsafeBufferPointer { src in
                uncompress(dst.baseAddress, &length, src.baseAddress, UInt(src.count))
            }
        }
        switch status {
        case 0 where Int(length) <= maxBytes:
            return Array(out[0..<Int(length)])
        case 0, -5:  // Z_BUF_ERROR: the output did not fit
            throw ImagingError.metadata("\(what) decompresses to more than \(maxBytes) bytes")
        default:
            throw ImagingError.metadata("\(what) has corrupt compressed data (zlib status \(status))")
        }
    }
}
