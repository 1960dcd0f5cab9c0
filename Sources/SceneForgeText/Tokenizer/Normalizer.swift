import Foundation

/// The tokenizers normalizers this implementation supports.
indirect enum Normalizer: Sendable {
    case nfc, nfkc, nfd, nfkd
    case sequence([Normalizer])

    init?(json: JSONFields?) throws {
        guard let json else { return nil }
        self = try Self.parse(json)
    }

    private static func parse(_ json: JSONFields) throws -> Normalizer {
        let type = try json.string("type")
        switch type {
        case "NFC": return .nfc
        case "NFKC": return .nfkc
        case "NFD": return .nfd
        case "NFKD": return .nfkd
        case "Sequence": return .sequence(try json.objects("normalizers").map(parse))
        default:
            throw TextError.unsupportedComponent(file: json.file, component: "normalizer type \"\(type)\" at \(json.path)")
        }
    }

    func apply(_ text: String) -> String {
        switch self {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .sequence(let steps): return steps.reduce(text) { $1.apply($0) }
        }
    }
}
