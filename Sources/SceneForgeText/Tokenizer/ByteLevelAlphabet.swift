/// GPT-2's reversible byte <-> printable-character mapping ("bytes_to_unicode").
///
/// Printable Latin-1 bytes map to themselves; the other 68 bytes map, in order,
/// to U+0100, U+0101, ... so that every byte becomes one visible character.
enum ByteLevelAlphabet {
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            let code = printable ? UInt32(byte) : next
            if !printable { next += 1 }
            table[byte] = Unicode.Scalar(code) ?? " "
        }
        return table
    }()

    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in byteToScalar.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()

    /// The byte-level string of some raw bytes (what the vocabulary stores).
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { byteToScalar[Int($0)] })
        return text
    }

    /// The raw bytes of a byte-level string, or nil when a character is outside the alphabet.
    static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = scalarToByte[scalar.value] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
