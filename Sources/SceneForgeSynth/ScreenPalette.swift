/// The colours and shapes of one rendered screen: a style resolved for a theme and a seed.
/// Every value a seed jitters lives here, so tests and callers can see what was chosen.
public struct ScreenPalette: Equatable, Sendable {
    public var theme: Theme
    public var header: HeaderLook
    public var primary: Colour
    public var secondary: Colour
    public var accent: Colour
    /// The page behind everything.
    public var background: Colour
    /// Cards, list sheets, tab bar, dialogs.
    public var surface: Colour
    public var text: Colour
    public var secondaryText: Colour
    public var separator: Colour
    public var searchFill: Colour
    /// Error icons and failure marks.
    public var error: Colour
    public var warning: Colour
    public var disabledFill: Colour
    public var disabledText: Colour
    public var skeleton: Colour
    /// Corner radius of cards and dialogs, as a fraction of the screen width.
    public var cornerRadius: Double
    public var density: Double
    /// List items on separate cards (true) or on one sheet with separators.
    public var cardList: Bool
    public var pictureHues: [Double]
    /// How much a dim overlay darkens the page (0...1).
    public var dimAmount: Float

    /// Resolves `style` for `seed`: theme (when `auto`), header look, hue and lightness jitter of
    /// the brand colours, page tint, radius and density jitter.
    public static func resolve(_ style: AppStyle, theme choice: ThemeChoice, seed: UInt64) -> ScreenPalette {
        var rng = SeededRandom(seed: seed, key: StableHash.of("palette/" + style.name))
        let theme: Theme
        switch choice {
        case .light: theme = .light
        case .dark: theme = .dark
        case .auto: theme = rng.chance(style.darkChance) ? .dark : .light
        }
        // Draw every jitter whatever the theme, so light and dark renders of a seed share them.
        let hueTurn = Float(rng.uniform(-9...9))
        let valueScale = Float(rng.uniform(0.92...1.06))
        let headerIndex = rng.chance(0.7) ? 0 : rng.int(0...max(style.headers.count - 1, 0))
        let tint = Colour.fromHSV(Float(rng.uniform(0...360)), 1, 1)
        let tintAmount = Float(rng.uniform(0...0.035))
        let greyLevel = Float(rng.uniform(0...1))
        let radiusScale = rng.uniform(0.75...1.3)
        let densityScale = rng.uniform(0.88...1.12)
        let cardList = rng.chance(style.cardList)
        let dim = Float(rng.uniform(0.42...0.62))

        let primary = style.primary.adjusted(hue: hueTurn, value: valueScale)
        let secondary = style.secondary.adjusted(hue: hueTurn, value: valueScale)
        let accent = style.accent.adjusted(hue: hueTurn * 0.5)
        var palette = ScreenPalette(
            theme: theme, header: style.headers.isEmpty ? .solid : style.headers[headerIndex],
            primary: primary, secondary: secondary, accent: accent,
            background: .white, surface: .white, text: .black, secondaryText: .black, separator: .black,
            searchFill: .white, error: Colour(hex: 0xF04438).adjusted(hue: hueTurn * 0.3), warning: Colour(hex: 0xFF8F1F),
            disabledFill: .white, disabledText: .white, skeleton: .white,
            cornerRadius: style.cornerRadius * radiusScale, density: style.density * densityScale,
            cardList: cardList, pictureHues: style.pictureHues.isEmpty ? [0, 120, 240] : style.pictureHues, dimAmount: dim)
        switch theme {
        case .light:
            // Card lists sit on a grey page; sheet lists on white or near-white.
            let page = cardList ? Colour(236 + 9 * greyLevel, 236 + 9 * greyLevel, 238 + 9 * greyLevel) : Colour(250, 250, 250).lighter(greyLevel)
            palette.background = page.mixed(with: tint, tintAmount)
            palette.surface = Colour.white.mixed(with: tint, tintAmount * 0.3)
            palette.text = Colour(hex: 0x1A1A1A)
            palette.secondaryText = Colour(hex: 0x8C8C8C)
            palette.separator = Colour(hex: 0xE6E6E6)
            palette.searchFill = cardList ? .white : Colour(hex: 0xF0F0F2)
            palette.disabledFill = Colour(hex: 0xCDCDD0)
            palette.disabledText = Colour(hex: 0xF4F4F4)
            palette.skeleton = Colour(hex: 0xE3E4E8)
        case .dark:
            let page = Colour(12 + 14 * greyLevel, 12 + 14 * greyLevel, 14 + 16 * greyLevel)
            palette.background = page.mixed(with: tint, tintAmount)
            palette.surface = page.lighter(0.09)
            palette.text = Colour(hex: 0xE8E8EA)
            palette.secondaryText = Colour(hex: 0x8A8A90)
            palette.separator = page.lighter(0.14)
            palette.searchFill = page.lighter(0.13)
            palette.disabledFill = Colour(hex: 0x45454A)
            palette.disabledText = Colour(hex: 0x8E8E93)
            palette.skeleton = page.lighter(0.16)
            palette.primary = primary.adjusted(hue: 0, saturation: 0.92, value: 0.95)
        }
        return palette
    }

    /// The radius of cards and dialogs in pixels for a screen `width` pixels wide.
    func radius(screenWidth width: Int) -> Double { cornerRadius * Double(width) }
}
