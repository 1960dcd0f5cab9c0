import Foundation
import Testing
@testable import SceneForgeImaging

/// The exact terminal text (SGR escapes included) for the reference source in every mode.
/// Goldens are written when SCENEFORGE_UPDATE_GOLDEN=1 and reviewed by hand; their cell
/// content is independently checked by ThumbnailReferenceTests, so these pin the escape syntax
/// and the dithered modes (which have no float64 oracle: error diffusion amplifies rounding).
struct ThumbnailGoldenTests {
    static let modes: [(SymbolSet, ColorDepth, Bool)] = [
        (.halfBlock, .truecolor, false), (.halfBlock, .palette256, false), (.halfBlock, .palette256, true),
        (.halfBlock, .palette16, false), (.halfBlock, .palette16, true), (.quadrant, .truecolor, false),
        (.sextant, .palette256, false), (.ascii, .none, false),
    ]

    @Test(arguments: modes)
    func linesMatchGolden(_ symbols: SymbolSet, _ colors: ColorDepth, _ dither: Bool) throws {
        let source = try PNGFile.read(Fixtures.bytes("thumbnails/source.png"))
        let options = ThumbnailOptions(symbols: symbols, colors: colors, dither: dither)
        let text = try ThumbnailRenderer.render(source, columns: 8, rows: 6, options: options).lines.joined(separator: "\n") + "\n"
        let url = Fixtures.url("thumbnails/golden-\(symbols.rawValue)-\(colors.rawValue)\(dither ? "-dither" : "").txt")
        if ProcessInfo.processInfo.environment["SCENEFORGE_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: url, encoding: .utf8)))
    }

    @Test func sgrSyntax() {
        #expect(SGRWriter.sgr(.rgb(RGB(1, 2, 3)), background: false) == "\u{1B}[38;2;1;2;3m")
        #expect(SGRWriter.sgr(.indexed(3), background: true) == "\u{1B}[43m")
        #expect(SGRWriter.sgr(.indexed(9), background: false) == "\u{1B}[91m")
        #expect(SGRWriter.sgr(.indexed(200), background: true) == "\u{1B}[48;5;200m")
        let cells = [TerminalCell(glyph: "▀", foreground: .indexed(20), background: .indexed(21)),
                     TerminalCell(glyph: "▀", foreground: .indexed(20), background: .indexed(21))]
        #expect(SGRWriter.line(cells) == "\u{1B}[38;5;20m\u{1B}[48;5;21m▀▀\u{1B}[0m")
    }
}

struct ThumbnailPropertyTests {
    static func gradient(width: Int, height: Int) throws -> RGBAImage {
        var px = [UInt8]()
        for y in 0..<height { for x in 0..<width { px += [UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), 128, 255] } }
        return try RGBAImage(width: width, height: height, pixels: px)
    }

    @Test func truecolorHalfBlocksAreExactWhenNoScalingIsNeeded() throws {
        // 10x20 pixels fill a 10x10 cell box exactly: each cell is one top and one bottom pixel.
        let image = try Self.gradient(width: 10, height: 20)
        let t = try ThumbnailRenderer.render(image, columns: 10, rows: 10)
        #expect(t.columns == 10 && t.rows == 10)
        for y in 0..<10 {
            for x in 0..<10 {
                let top = image.pixel(x: x, y: 2 * y), bottom = image.pixel(x: x, y: 2 * y + 1)
                #expect(t.cells[y][x].foreground == .rgb(RGB(top.r, top.g, top.b)))
                #expect(t.cells[y][x].background == .rgb(RGB(bottom.r, bottom.g, bottom.b)))
            }
        }
    }

    @Test func downscalingAveragesInLinearLight() throws {
        // A 1-px black/white checkerboard averages to 50% linear light = sRGB 188, not 128.
        var px = [UInt8]()
        for y in 0..<8 { for x in 0..<8 { let v: UInt8 = (x + y) % 2 == 0 ? 255 : 0; px += [v, v, v, 255] } }
        let t = try ThumbnailRenderer.render(RGBAImage(width: 8, height: 8, pixels: px), columns: 4, rows: 2)
        #expect(t.cells.allSatisfy { $0.allSatisfy { $0.foreground == .rgb(RGB(188, 188, 188)) } })
    }

    @Test func layoutKeepsAspectRatio() {
        #expect(ThumbnailLayout.fit(imageWidth: 720, imageHeight: 1440, columns: 80, rows: 40) == (40, 40))
        #expect(ThumbnailLayout.fit(imageWidth: 1920, imageHeight: 1080, columns: 80, rows: 40) == (80, 23))
        #expect(ThumbnailLayout.fit(imageWidth: 1, imageHeight: 10_000, columns: 80, rows: 40) == (1, 40))
    }

    @Test func ditheringKeepsTheMeanColour() throws {
        let image = try Self.gradient(width: 64, height: 64)
        func meanError(dither: Bool) throws -> Float {
            let t = try ThumbnailRenderer.render(image, columns: 32, rows: 16, options: .init(colors: .palette16, dither: dither))
            let reference = AreaResampler.resample(image, width: 32, height: 32, background: RGB(0, 0, 0))
            var shown = LinearRGB.zero, wanted = LinearRGB.zero
            for y in 0..<16 {
                for x in 0..<32 {
                    for (c, py) in [(t.cells[y][x].foreground, 2 * y), (t.cells[y][x].background, 2 * y + 1)] {
                        shown = shown + SRGB.linear(c.rgb ?? RGB(0, 0, 0))
                        wanted = wanted + reference[x, py]
                    }
                }
            }
            return (shown - wanted).distanceSquared(.zero).squareRoot() / Float(32 * 32)
        }
        let dithered = try meanError(dither: true), plain = try meanError(dither: false)
        #expect(dithered < plain / 2, "dithered \(dithered), plain \(plain)")
    }

    @Test func sextantGlyphsCoverTheUnicodeBlock() {
        let glyphs = Set((0..<64).map(BlockGlyphs.sextant))
        #expect(glyphs.count == 64)
        #expect(BlockGlyphs.sextant(1) == "\u{1FB00}" && BlockGlyphs.sextant(62) == "\u{1FB3B}")
        #expect(BlockGlyphs.sextant(20) == "\u{1FB13}" && BlockGlyphs.sextant(22) == "\u{1FB14}")
    }

    @Test func rejectsAnEmptyBox() throws {
        let image = try RGBAImage(width: 2, height: 2, fill: (0, 0, 0, 255))
        #expect(throws: ImagingError.self) { try ThumbnailRenderer.render(image, columns: 0, rows: 5) }
    }
}
