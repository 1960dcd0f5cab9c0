import SceneForgeImaging

extension QualityInstrument {
    /// Bar (c): how the theme classifier reads `screens` against the theme colour of the style of the reference
    /// screenshot they were generated from (`GeneratedScreen.style`); its accuracy is the figure. The prompt was
    /// neutral, so the theme can only have come from the reference.
    public func styleRecognition(_ screens: [GeneratedScreen]) throws -> ThemeConfusion {
        guard !screens.isEmpty else { throw QualityError("no style-referenced images to measure") }
        return try themeConfusion(screens)
    }
}
