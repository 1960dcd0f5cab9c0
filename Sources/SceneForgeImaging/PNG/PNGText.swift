/// PNG text chunks (tEXt, zTXt, iTXt), read and written at the chunk level.
public enum PNGText {
    /// Every text entry in file order, keyword -> text. A keyword that appears twice keeps the last.
    public static func entries(in chunks: [PNGChunk], limits: PNGLimits = .default) throws -> [String: String] {
        var result: [String: String] = [:]
        for chunk in chunks {
            switch chunk.type {
            case "tEXt": let (k, v) = try parseTEXt(chunk.data); result[k] = v
            case "zTXt": let (k, v) = try parseZTXt(chunk.data, limits: limits); result[k] = v
            case "iTXt": let (k, v) = try parseITXt(chunk.data, limits: limits); result[k] = v
            default: continue
            }
        }
        return result
    }

    /// A chunk holding `text` under `keyword`: tEXt when the text fits Latin-1 (what readers
    /// expect for A1111's `parameters`), otherwise uncompressed iTXt (UTF-8), as Pillow does.
    public static func chunk(keyword: String, text: String, forceInternational: Bool = false) throws -> PNGChunk {
        let key = try keywordBytes(keyword)
        if !forceInternational, let latin1 = latin1Bytes(text) {
            return PNGChunk(type: "tEXt", data: key + [0] + latin1)
        }
        // keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL.
        return PNGChunk(type: "iTXt", data: key + [0, 0, 0, 0, 0] + Array(text.utf8))
    }

    private static func keywordBytes(_ keyword: String) throws -> [UInt8] {
        guard let bytes = latin1Bytes(keyword), (1...79).contains(bytes.count),
              !bytes.contains(0), bytes.first != 0x20, bytes.last != 0x20 else {
            throw ImagingError.metadata("text keyword \"\(keyword)\" must be 1-79 Latin-1 characters without leading/trailing spaces")
        }
        return bytes
    }

    private static func latin1Bytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard scalar.value <= 0xFF, scalar.value != 0 else { return nil }
            out.append(UInt8(scalar.value))
        }
        return out
    }

    private static func latin1String<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    private static func splitKeyword(_ data: [UInt8], type: String) throws -> (String, ArraySlice<UInt8>) {
        guard let nul = data.firstIndex(of: 0), (1...79).contains(nul) else {
            throw ImagingError.metadata("\(type) chunk has no NUL-terminated 1-79 byte keyword")
        }
        return (latin1String(data[0..<nul]), data[(nul + 1)...])
    }

    private static func parseTEXt(_ data: [UInt8]) throws -> (String, String) {
        let (key, rest) = try splitKeyword(data, type: "tEXt")
        return (key, latin1String(rest))
    }

    private static func parseZTXt(_ data: [UInt8], limits: PNGLimits) throws -> (String, String) {
        let (key, rest) = try splitKeyword(data, type: "zTXt")
        guard let method = rest.first, method == 0 else {
            throw ImagingError.metadata("zTXt \"\(key)\" uses an unknown compression method")
        }
        let text = try Inflate.inflate(Array(rest.dropFirst()), maxBytes: limits.maxTextBytes, what: "zTXt \"\(key)\"")
        return (key, latin1String(text))
    }

    private static func parseITXt(_ data: [UInt8], limits: PNGLimits) throws -> (String, String) {
        let (key, rest) = try splitKeyword(data, type: "iTXt")
        guard rest.count >= 2 else { throw ImagingError.metadata("iTXt \"\(key)\" is truncated") }
        let compressed = rest[rest.startIndex], method = rest[rest.startIndex + 1]
        guard compressed <= 1, method == 0 else {
            throw ImagingError.metadata("iTXt \"\(key)\" has compression flag \(compressed) / method \(method)")
        }
        var body = rest.dropFirst(2)
        for field in ["language tag", "translated keyword"] {
            guard let nul = body.firstIndex(of: 0) else {
                throw ImagingError.metadata("iTXt \"\(key)\" has no NUL after its \(field)")
            }
            body = body[(nul + 1)...]
        }
        let bytes = compressed == 1
            ? try Inflate.inflate(Array(body), maxBytes: limits.maxTextBytes, what: "iTXt \"\(key)\"")
            : Array(body)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ImagingError.metadata("iTXt \"\(key)\" text is not valid UTF-8")
        }
        return (key, text)
    }
}
