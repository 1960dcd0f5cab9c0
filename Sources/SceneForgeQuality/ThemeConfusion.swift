/// Which theme colour class the theme classifier read for each requested one: the rows of a confusion
/// matrix. Bars (b) and (c) are its accuracy; the rows say which colours a model gets wrong, and as what.
public struct ThemeConfusion: Equatable, Sendable {
    /// counts[requested][recognised], class names as `ThemeColour.name`.
    public private(set) var counts: [String: [String: Int]] = [:]

    public init() {}

    public mutating func add(requested: String, recognised: String) {
        counts[requested, default: [:]][recognised, default: 0] += 1
    }

    public var total: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
    public var hits: Int { counts.reduce(0) { $0 + ($1.value[$1.key] ?? 0) } }
    public var accuracy: Double { total == 0 ? 0 : Double(hits) / Double(total) }

    /// One entry per requested class, in `order`: "food-yellow 3/4 (shop-orange+1 1)". Class names are
    /// shortened to their first style and how many others share the colour.
    public func rows(order: [ThemeColour] = ThemeColour.groups()) -> [String] {
        order.compactMap { theme -> String? in
            guard let row = counts[theme.name] else { return nil }
            let asked = row.values.reduce(0, +)
            let misses = row.filter { $0.key != theme.name }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            let missText = misses.map { "\(Self.shortName($0.key)) \($0.value)" }.joined(separator: ", ")
            return "\(Self.shortName(theme.name)) \(row[theme.name] ?? 0)/\(asked)" + (misses.isEmpty ? "" : " (\(missText))")
        }
    }

    /// "food-blue+travel-blue+rail-blue+pay-blue" → "food-blue+3".
    static func shortName(_ name: String) -> String {
        let members = name.split(separator: "+")
        return members.count > 1 ? "\(members[0])+\(members.count - 1)" : name
    }
}

extension QualityInstrument {
    /// The theme classifier's reading of each screen against the theme colour of the style it was asked for
    /// (`GeneratedScreen.style`: the prompt's style for (b), the reference screenshot's for (c)).
    public func themeConfusion(_ screens: [GeneratedScreen]) throws -> ThemeConfusion {
        let themes = ThemeColour.groups()
        var confusion = ThemeConfusion()
        for screen in screens {
            confusion.add(requested: try ThemeColour.of(style: screen.style.name, in: themes).name,
                          recognised: try themeClassifier.classify(screen.image))
        }
        return confusion
    }
}
