import Foundation

/// What SceneForge reads from a PNG's text chunks.
public struct PNGMetadata: Sendable {
    /// The `sceneforge` iTXt record, when present.
    public var record: GenerationRecord?
    /// The A1111 `parameters` text, parsed, when present.
    public var parameters: A1111Parameters?
    /// Every text chunk, keyword -> text.
    public var text: [String: String]

    public static let recordKeyword = "sceneforge"
    public static let parametersKeyword = "parameters"
}

/// Reading and writing PNG files with their generation record.
public enum PNGFile {
    public static func read(_ bytes: [UInt8], limits: PNGLimits = .default) throws -> RGBAImage {
        try PNGDecoder.decode(bytes, limits: limits)
    }

    /// Errors name the file: "PATH: malformed PNG: ...".
    public static func read(contentsOf url: URL, limits: PNGLimits = .default) throws -> RGBAImage {
        try naming(url) { try PNGDecoder.decode(try load(url), limits: limits) }
    }

    /// The text metadata only: the file structure is validated but no pixel is decoded.
    public static func metadata(_ bytes: [UInt8], limits: PNGLimits = .default) throws -> PNGMetadata {
        let structure = try PNGDecoder.structure(of: bytes, limits: limits)
        let text = try PNGText.entries(in: structure.chunks, limits: limits)
        let record = try text[PNGMetadata.recordKeyword].map { try GenerationRecord.decode(json: Data($0.utf8)) }
        let parameters = text[PNGMetadata.parametersKeyword].map(A1111Parameters.parse)
        return PNGMetadata(record: record, parameters: parameters, text: text)
    }

    public static func metadata(contentsOf url: URL, limits: PNGLimits = .default) throws -> PNGMetadata {
        try naming(url) { try metadata(try load(url), limits: limits) }
    }

    /// An 8-bit PNG carrying `record` twice: as A1111 `parameters` (tEXt, or iTXt when the text
    /// is not Latin-1, e.g. Chinese) and as the complete JSON in a `sceneforge` iTXt chunk.
    public static func encode(_ image: RGBAImage, record: GenerationRecord?, extraText: [String: String] = [:]) throws -> [UInt8] {
        var chunks: [PNGChunk] = []
        if let record {
            chunks.append(try PNGText.chunk(keyword: PNGMetadata.parametersKeyword, text: record.a1111Parameters.text))
            let json = String(decoding: try record.jsonData(), as: UTF8.self)
            chunks.append(try PNGText.chunk(keyword: PNGMetadata.recordKeyword, text: json, forceInternational: true))
        }
        for (key, value) in extraText.sorted(by: { $0.key < $1.key }) {
            chunks.append(try PNGText.chunk(keyword: key, text: value))
        }
        return try PNGEncoder.encode(image, extraChunks: chunks)
    }

    /// Writes atomically (temporary file, then rename) so a killed batch never leaves half a PNG.
    public static func write(_ image: RGBAImage, record: GenerationRecord?, to url: URL) throws {
        let bytes = try encode(image, record: record)
        do { try Data(bytes).write(to: url, options: .atomic) }
        catch { throw ImagingError.io("\(url.path): cannot write: \(error.localizedDescription)") }
    }

    static func load(_ url: URL) throws -> [UInt8] {
        do { return [UInt8](try Data(contentsOf: url)) }
        catch { throw ImagingError.io("cannot read: \(error.localizedDescription)") }
    }

    private static func naming<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do { return try body() }
        catch let error as ImagingError { throw ImagingError.io("\(url.path): \(error)") }
    }
}
