import Foundation
import Testing
@testable import SceneForgeImaging

struct AnalysisTests {
    @Test func ssimAndColourErrorMatchReference() throws {
        let a = try PNGFile.read(Fixtures.bytes("metrics/a.png"))
        let b = try PNGFile.read(Fixtures.bytes("metrics/b.png"))
        let c = try PNGFile.read(Fixtures.bytes("metrics/c.png"))
        let expected = try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: Fixtures.url("metrics/expected.json")))
        #expect(abs(try ImageMetrics.ssim(a, b) - (expected["ssim_ab"] ?? .nan)) < 1e-9)
        #expect(abs(try ImageMetrics.ssim(a, c) - (expected["ssim_ac"] ?? .nan)) < 1e-9)
        #expect(abs(try ImageMetrics.meanAbsoluteRGBError(a, b) - (expected["mae_ab"] ?? .nan)) < 1e-9)
        #expect(abs(try ImageMetrics.ssim(a, a) - 1) < 1e-12)
    }

    /// Decoding SceneForge's own output gives back its cell grid, in every mode.
    @Test(arguments: ThumbnailReferenceTests.cases)
    func decoderReadsBackOurCells(_ symbols: SymbolSet, _ colors: ColorDepth) throws {
        let source = try PNGFile.read(Fixtures.bytes("thumbnails/source.png"))
        let t = try ThumbnailRenderer.render(source, columns: 8, rows: 6, options: .init(symbols: symbols, colors: colors))
        #expect(ANSIImageDecoder().parseCells(t.lines.joined(separator: "\n")) == t.cells)
    }

    @Test func truecolorHalfBlocksReconstructTheReference() throws {
        let source = try PNGFile.read(Fixtures.bytes("thumbnails/source.png"))
        let t = try ThumbnailRenderer.render(source, columns: 8, rows: 6)
        let decoded = try ANSIImageDecoder().decode(t.lines.joined(separator: "\n"), grid: (1, 2))
        let reference = try ImageMetrics.areaDownscaled(source, width: t.columns, height: t.rows * 2)
        #expect(decoded.image == reference)
        #expect(decoded.unknownGlyphs == 0)
    }

    @Test func decoderHandlesOtherToolsEscapes() throws {
        // Reverse video, 16-colour codes, a lower half block, a cursor escape and an OSC title.
        let text = "\u{1B}]0;title\u{07}\u{1B}[?25l\u{1B}[31;102m▄\u{1B}[7m▄\u{1B}[0m x"
        let cells = ANSIImageDecoder().parseCells(text)
        #expect(cells.count == 1 && cells[0].count == 4)
        #expect(cells[0][0] == TerminalCell(glyph: "▄", foreground: .indexed(1), background: .indexed(10)))
        #expect(cells[0][1] == TerminalCell(glyph: "▄", foreground: .indexed(10), background: .indexed(1)))
        let decoded = try ANSIImageDecoder().decode(text, grid: (1, 2))
        #expect(decoded.image.pixel(x: 0, y: 1) == (205, 0, 0, 255))  // lower half shows the fg
        #expect(decoded.image.pixel(x: 0, y: 0) == (0, 255, 0, 255))
        #expect(decoded.unknownGlyphs == 1)  // the "x"
    }

    @Test func eighthBlocksCoverTheirFraction() {
        #expect(GlyphCoverage.coverage("▂", sx: 0, sy: 1, gx: 1, gy: 2).value == 0.5)
        #expect(GlyphCoverage.coverage("▊", sx: 0, sy: 0, gx: 2, gy: 1).value == 1)
        #expect(GlyphCoverage.coverage("▊", sx: 1, sy: 0, gx: 2, gy: 1).value == 0.5)
        #expect(GlyphCoverage.coverage("\u{1FB00}", sx: 0, sy: 0, gx: 2, gy: 3).value == 1)
    }
}
