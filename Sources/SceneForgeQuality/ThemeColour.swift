import SceneForgeSynth

/// The app theme colours a classifier can tell apart: built-in styles whose primary colours are within a
/// seed's jitter of each other (hue within `hueTolerance`, HSV value within `valueTolerance`, joined
/// transitively) form one class. Four blue apps differ by less than the ±9° hue jitter a seed applies, so
/// asking a classifier to name which blue app it was would measure noise, not conditioning.
public struct ThemeColour: Equatable, Sendable {
    public static let hueTolerance: Float = 12
    public static let valueTolerance: Float = 0.2

    /// "food-blue+travel-blue+...": the member styles.
    public let name: String
    public let styles: [String]

    /// The classes of `styles`, in the order their first member appears.
    public static func groups(of styles: [AppStyle] = AppStyle.builtIn) -> [ThemeColour] {
        var groupOf = Array(0..<styles.count)
        func root(_ i: Int) -> Int { groupOf[i] == i ? i : root(groupOf[i]) }
        let hsv = styles.map { style -> (Float, Float) in
            let (r, g, b) = (style.primary.r / 255, style.primary.g / 255, style.primary.b / 255)
            let value = max(r, g, b), chroma = value - min(r, g, b)
            return (chroma > 0 ? ScreenFeatures.hue(r, g, b, value: value, chroma: chroma) : 0, value)
        }
        for i in styles.indices {
            for j in styles.indices where j > i {
                let turn = abs(hsv[i].0 - hsv[j].0), hueGap = min(turn, 360 - turn)
                if hueGap <= hueTolerance && abs(hsv[i].1 - hsv[j].1) <= valueTolerance { groupOf[root(j)] = root(i) }
            }
        }
        var order: [Int] = [], members: [Int: [String]] = [:]
        for i in styles.indices {
            let r = root(i)
            if members[r] == nil { order.append(r) }
            members[r, default: []].append(styles[i].name)
        }
        return order.map { ThemeColour(name: (members[$0] ?? []).joined(separator: "+"), styles: members[$0] ?? []) }
    }

    /// The class a style belongs to.
    public static func of(style: String, in groups: [ThemeColour]) throws -> ThemeColour {
        guard let group = groups.first(where: { $0.styles.contains(style) }) else {
            throw QualityError("style '\(style)' belongs to no theme colour class (known: \(groups.map(\.name).joined(separator: ", ")))")
        }
        return group
    }
}
