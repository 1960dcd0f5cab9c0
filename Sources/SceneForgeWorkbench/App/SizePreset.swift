/// Output sizes offered in the parameters tab: phone portrait first, small ones for CPU runs.
public struct SizePreset: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var label: String

    public static let all: [SizePreset] = [
        SizePreset(width: 720, height: 1440, label: "phone 1:2"),
        SizePreset(width: 1088, height: 2336, label: "phone FHD+ (1080x2340 rounded to 16)"),
        SizePreset(width: 576, height: 1248, label: "phone 9:19.5"),
        SizePreset(width: 1024, height: 1024, label: "square"),
        SizePreset(width: 288, height: 576, label: "small, CPU"),
        SizePreset(width: 144, height: 288, label: "tiny, CPU"),
        SizePreset(width: 128, height: 256, label: "embedded default model"),
        SizePreset(width: 96, height: 64, label: "test model"),
    ]
}
