import SceneForgeImaging

/// A linear classifier over whole-screen features (ridge regression on one-hot labels, argmax), trained
/// on renderer screens. Two instances are the quality bars' judges: which anomaly type a screen shows
/// (`anomalyType`), and which app theme colour it wears (`themeColour`).
public struct ScreenClassifier: Sendable {
    public enum Kind: String, Sendable {
        case anomalyType = "anomaly type"
        case themeColour = "theme colour"
    }

    public let kind: Kind
    /// The classes, in output order.
    public let labels: [String]
    let model: RidgeRegression

    /// The label a screen should get for this kind of classifier.
    public static func label(of screen: LabelledScreen, kind: Kind, themes: [ThemeColour] = ThemeColour.groups()) throws -> String {
        switch kind {
        case .anomalyType: return screen.layout.anomalyType
        case .themeColour: return try ThemeColour.of(style: screen.style.name, in: themes).name
        }
    }

    static func features(_ image: RGBAImage, kind: Kind) throws -> [Float] {
        switch kind {
        case .anomalyType: return try ScreenFeatures.layout(image)
        case .themeColour: return try ScreenFeatures.theme(image)
        }
    }

    public static func train(_ kind: Kind, on screens: [LabelledScreen], penalty: Double = 1e-2) throws -> ScreenClassifier {
        let themes = ThemeColour.groups()
        let truth = try screens.map { try label(of: $0, kind: kind, themes: themes) }
        let labels = Array(Set(truth)).sorted()
        guard labels.count >= 2 else { throw QualityError("a \(kind.rawValue) classifier needs screens of at least two classes") }
        let rows = try screens.map { try features($0.image, kind: kind) }
        let targets = truth.map { name in labels.map { $0 == name ? Float(1) : 0 } }
        return ScreenClassifier(kind: kind, labels: labels, model: try RidgeRegression(rows: rows, targets: targets, penalty: penalty))
    }

    /// The most likely class of `image`.
    public func classify(_ image: RGBAImage) throws -> String {
        let scores = model.predict(try Self.features(image, kind: kind))
        let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
        return labels[best]
    }

    /// The fraction of `screens` classified as their own label.
    public func accuracy(on screens: [LabelledScreen]) throws -> Double {
        guard !screens.isEmpty else { throw QualityError("no screens to measure \(kind.rawValue) accuracy on") }
        let themes = ThemeColour.groups()
        var right = 0
        for screen in screens where try classify(screen.image) == Self.label(of: screen, kind: kind, themes: themes) { right += 1 }
        return Double(right) / Double(screens.count)
    }
}
