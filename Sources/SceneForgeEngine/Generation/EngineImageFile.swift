import Foundation
import SceneForgeImaging

/// The engine's image files: PNGs carrying their generation record, exactly as `sceneforge generate` writes them,
/// written atomically (temporary file, then rename) into a folder created on demand.
public enum EngineImageFile {
    public static func write(_ image: RGBAImage, record: GenerationRecord?, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw EngineError("\(directory.path): cannot create the output folder: \(error.localizedDescription)")
        }
        try PNGFile.write(image, record: record, to: url)
    }

    /// The record as the `done` event carries it: the same JSON object as the PNG's `sceneforge` chunk.
    public static func json(_ record: GenerationRecord) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: record.jsonData())
    }

    /// Compact JSON text of a value (an extra that is not a string, for the record's string-valued `extra`).
    static func jsonText(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
