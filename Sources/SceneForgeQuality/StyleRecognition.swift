import SceneForgeImaging

extension QualityInstrument {
    /// Bar (c): the share of `screens` whose theme colour, as the theme classifier reads it, is that of the
    /// style of the reference screenshot they were generated from (`GeneratedScreen.style`). The prompt was
    /// neutral, so the theme can only have come from the reference.
    public func styleRecognition(_ screens: [GeneratedScreen]) throws -> Double {
        guard !screens.isEmpty else { throw QualityError("no style-referenced images to measure") }
        let themes = ThemeColour.groups()
        var hits = 0
        for screen in screens where try themeClassifier.classify(screen.image) == ThemeColour.of(style: screen.style.name, in: themes).name {
            hits += 1
        }
        return Double(hits) / Double(screens.count)
    }
}
