/// The app families of the original study (domain.md).
public enum AppFamily: String, CaseIterable, Sendable {
    case foodDelivery = "food_delivery"
    case travel
    case ecommerce
    case video
    case payments
}

/// How a style paints its header band.
public enum HeaderLook: String, CaseIterable, Sendable {
    /// A flat band in the primary colour.
    case solid
    /// A band fading from the primary colour to `secondary`.
    case gradient
    /// The page background, with the title and icons in the primary colour.
    case plain
}

/// One app look: palette, shape and density. Every seed jitters these within the style (see
/// `ScreenPalette.resolve`), so a style is a family of screens, not one screen.
public struct AppStyle: Equatable, Sendable {
    /// The name `sceneforge render --style` takes.
    public var name: String
    public var family: AppFamily
    /// The kind of app it imitates, for people (no logos or names are drawn).
    public var resembles: String
    /// Header, selected tab, primary buttons.
    public var primary: Colour
    /// The far end of header gradients and promotion banners.
    public var secondary: Colour
    /// Prices and highlights.
    public var accent: Colour
    /// The header looks this style uses, the first most often.
    public var headers: [HeaderLook]
    /// Card and dialog corner radius as a fraction of the screen width.
    public var cornerRadius: Double
    /// 0.6 (airy) ... 1.4 (crowded): glyph size, tags and decorations per item.
    public var density: Double
    /// Chance that `ThemeChoice.auto` picks the dark theme for a seed.
    public var darkChance: Double
    /// Hues (degrees) that pictures in this app tend to have: warm food, blue-green scenery...
    public var pictureHues: [Double]
    /// Whether list items sit on separate cards (true) or on one sheet with hairline separators.
    public var cardList: Double

    public init(
        name: String, family: AppFamily, resembles: String, primary: Colour, secondary: Colour, accent: Colour,
        headers: [HeaderLook], cornerRadius: Double, density: Double, darkChance: Double,
        pictureHues: [Double], cardList: Double
    ) {
        self.name = name
        self.family = family
        self.resembles = resembles
        self.primary = primary
        self.secondary = secondary
        self.accent = accent
        self.headers = headers
        self.cornerRadius = cornerRadius
        self.density = density
        self.darkChance = darkChance
        self.pictureHues = pictureHues
        self.cardList = cardList
    }
}

/// Light or dark page colours.
public enum Theme: String, CaseIterable, Sendable {
    case light, dark
}

/// The theme a render asks for; `auto` lets the seed choose with the style's `darkChance`.
public enum ThemeChoice: String, CaseIterable, Sendable {
    case auto, light, dark
}
