import SceneForgeImaging

/// A classifier over whole-screen features, trained on renderer screens. Two instances are the quality bars'
/// judges: which anomaly type a screen shows (`anomalyType`), and which app theme colour it wears (`themeColour`).
public struct ScreenClassifier: Sendable {
    public enum Kind: String, Sendable {
        case anomalyType = "anomaly type"
        case themeColour = "theme colour"
    }

    /// How a feature row becomes one score per class; the class is the argmax.
    enum Scorer: Sendable {
        /// Ridge regression on one-hot labels: the anomaly type, whose grid features separate linearly.
        case linear(RidgeRegression)
        /// One boosted-tree ensemble per class (one against the rest): the theme colour, whose evidence is a
        /// conjunction ("pink, and in the header or tab bar") that a sum of hue bins cannot express.
        case trees([BoostedTrees])

        func scores(_ row: [Float]) -> [Float] {
            switch self {
            case .linear(let model): return model.predict(row)
            case .trees(let ensembles): return ensembles.map { $0.predict(row) }
            }
        }
    }

    public let kind: Kind
    /// The classes, in output order.
    public let labels: [String]
    let scorer: Scorer

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

    /// The anomaly type is fitted by ridge regression (`penalty`), the theme colour by boosted trees.
    public static func train(_ kind: Kind, on screens: [LabelledScreen], penalty: Double = 1e-2) throws -> ScreenClassifier {
        let themes = ThemeColour.groups()
        let truth = try screens.map { try label(of: $0, kind: kind, themes: themes) }
        let labels = Array(Set(truth)).sorted()
        guard labels.count >= 2 else { throw QualityError("a \(kind.rawValue) classifier needs screens of at least two classes") }
        let rows = try screens.map { try features($0.image, kind: kind) }
        let scorer: Scorer
        switch kind {
        case .anomalyType:
            let targets = truth.map { name in labels.map { $0 == name ? Float(1) : 0 } }
            scorer = .linear(try RidgeRegression(rows: rows, targets: targets, penalty: penalty))
        case .themeColour:
            scorer = .trees(try labels.map { name in try BoostedTrees(rows: rows, targets: truth.map { $0 == name ? 1 : 0 }) })
        }
        return ScreenClassifier(kind: kind, labels: labels, scorer: scorer)
    }

    /// The most likely class of `image`.
    public func classify(_ image: RGBAImage) throws -> String {
        let scores = scorer.scores(try Self.features(image, kind: kind))
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
