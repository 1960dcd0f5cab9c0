import Foundation
import SceneForgeImaging

/// Reference images for a Z-Image-Edit/Omni model: `sceneforge generate --reference PATH` (repeatable) and the engine
/// job extra `"references": [PATH, ...]`. Both read and record them here, so their PNGs carry the same record.
public enum ReferenceImages {
    public static let extrasKey = "references"

    /// The paths a job's extras name; an absent key is none.
    public static func paths(fromExtras extras: [String: JSONValue]) throws -> [String] {
        guard let value = extras[extrasKey] else { return [] }
        guard case .array(let items) = value else {
            throw ConditioningError("field 'job.extras.\(extrasKey)' must be an array of PNG paths")
        }
        return try items.enumerated().map { index, item in
            guard let path = item.stringValue, !path.isEmpty, !path.contains("\n") else {
                throw ConditioningError("field 'job.extras.\(extrasKey)[\(index)]' must be a PNG path (a non-empty string without newlines)")
            }
            return path
        }
    }

    /// Reads each PNG; an unreadable one is named in the error.
    public static func load(_ paths: [String]) throws -> [RGBAImage] {
        try paths.map { path in
            do {
                return try PNGFile.read(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ConditioningError("reference image \(path): \(error)")
            }
        }
    }

    /// The record's extra field: the paths one per line (a path may contain anything but a newline); none when
    /// there are no references, so text-to-image records stay as they were.
    public static func recordExtra(_ paths: [String]) -> [String: String] {
        paths.isEmpty ? [:] : [extrasKey: paths.joined(separator: "\n")]
    }

    public static func paths(fromRecord value: String?) -> [String] {
        value?.split(separator: "\n").map(String.init) ?? []
    }

    /// Like the Omni pipeline: without a size, the last reference's size cut down to multiples of 16.
    public static func defaultSize(of images: [RGBAImage]) -> (width: Int, height: Int)? {
        images.last.map { (width: $0.width / 16 * 16, height: $0.height / 16 * 16) }
    }
}
