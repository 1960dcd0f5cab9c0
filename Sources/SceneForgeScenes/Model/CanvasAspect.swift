import Foundation

/// The portrait shape a layout was drawn for, as width:height (e.g. 9:19.5).
public struct CanvasAspect: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var width: Double
    public var height: Double

    public static let phone = CanvasAspect(width: 9, height: 19.5)
    public static let halfWidth = CanvasAspect(width: 1, height: 2)

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Parses "9:19.5"; nil when the text is not two positive numbers around a colon.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let w = Double(parts[0].trimmingCharacters(in: .whitespaces)),
            let h = Double(parts[1].trimmingCharacters(in: .whitespaces)),
            w.isFinite, h.isFinite, w > 0, h > 0
        else { return nil }
        self.init(width: w, height: h)
    }

    /// The pixel height for a given pixel width, rounded to a multiple of `multiple` (diffusion
    /// models want sizes divisible by 16 or 64).
    public func height(forWidth pixels: Int, multiple: Int = 16) -> Int {
        let step = max(1, multiple)
        let exact = Double(pixels) * height / width
        // Aspects built in code may be degenerate; never let a conversion to Int trap.
        guard exact.isFinite, exact > 0 else { return step }
        let steps = min((exact / Double(step)).rounded(), Double(RasterImage.maximumSide))
        return max(step, Int(steps) * step)
    }

    public var description: String { "\(Self.format(width)):\(Self.format(height))" }

    private static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }
}
