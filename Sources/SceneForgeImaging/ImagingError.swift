/// Errors from reading, writing and rendering images. Every message names the problem
/// (and the chunk or field where there is one) so a user can act on it.
public enum ImagingError: Error, Equatable, CustomStringConvertible {
    case invalidImage(String)
    case notPNG(String)
    case malformedPNG(String)
    case imageTooLarge(String)
    case libpng(String)
    case metadata(String)
    case io(String)

    public var description: String {
        switch self {
        case .invalidImage(let m): return "invalid image: \(m)"
        case .notPNG(let m): return "not a PNG file: \(m)"
        case .malformedPNG(let m): return "malformed PNG: \(m)"
        case .imageTooLarge(let m): return "image too large: \(m)"
        case .libpng(let m): return "libpng: \(m)"
        case .metadata(let m): return "PNG metadata: \(m)"
        case .io(let m): return m
        }
    }
}
