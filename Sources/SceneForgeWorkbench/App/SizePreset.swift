/// Output sizes offered in the parameters tab: the model's own size first, then phone portrait, then small ones
/// for CPU runs.
public struct SizePreset: Equatable, Sendable {
    /// Both nil for `modelsOwn`: the job names no size and the engine draws the size the model declares
    /// (`sample_size` in its transformer config; Z-Image's 1024x1024 when it declares none). That works for any
    /// model the engine can reach, a remote engine's included, which the workbench itself cannot read.
    public var width: Int?
    public var height: Int?
    public var label: String

    public static let modelsOwn = SizePreset(width: nil, height: nil, label: "the model's own size (the engine reads it)")

    public static let all: [SizePreset] = [
        modelsOwn,
        SizePreset(width: 720, height: 1440, label: "phone 1:2"),
        SizePreset(width: 1088, height: 2336, label: "phone FHD+ (1080x2340 rounded to 16)"),
        SizePreset(width: 576, height: 1248, label: "phone 9:19.5"),
        SizePreset(width: 1024, height: 1024, label: "square"),
        SizePreset(width: 288, height: 576, label: "small, CPU"),
        SizePreset(width: 144, height: 288, label: "tiny, CPU"),
        SizePreset(width: 128, height: 256, label: "the embedded default model's size"),
        SizePreset(width: 96, height: 64, label: "test model"),
    ]

    /// How settings files name it: "WxH", or "model" for the model's own size.
    public var name: String { Self.dimensions(width: width, height: height) ?? "model" }

    /// "WxH" for a job's requested size; nil when it names none (the model's own).
    public static func dimensions(width: Int?, height: Int?) -> String? {
        guard let width, let height else { return nil }
        return "\(width)x\(height)"
    }
}
