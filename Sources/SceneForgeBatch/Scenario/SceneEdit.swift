/// A scene that edits a source screenshot rather than drawing a fresh image: `generate --init/--strength/--mask/
/// --paste-back/--feather/--fit-steps` in a scenario's words. Paths are kept as written (they enter job ids, so
/// ids stay the same on every machine) and as resolved on this one.
public struct SceneEdit: Equatable, Sendable {
    public enum Mask: Equatable, Sendable {
        /// The scene layout's anomaly boxes, rasterised at the image size.
        case fromLayout
        /// A PNG, white where the image is regenerated.
        case image(written: String, path: String)
    }

    public var source: String
    public var sourcePath: String
    /// nil: the engine's default (0.6 without a mask, 1.0 with one).
    public var strength: Double?
    public var mask: Mask?
    public var pasteBack: Bool
    public var feather: Int
    public var fitSteps: Int

    /// The id text's view of the edit: every setting, paths as written.
    var canonicalText: String {
        let maskText: String
        switch mask {
        case nil: maskText = ""
        case .fromLayout?: maskText = "from-layout"
        case .image(let written, _)?: maskText = written
        }
        return [source, strength.map { "\($0)" } ?? "", maskText, "\(pasteBack)", "\(feather)", "\(fitSteps)"].joined(separator: "|")
    }
}
