import Foundation
import Testing
@testable import SceneForgeImaging

/// Cell grids compared with scripts/reference/thumbnail_reference.py, an independent numpy
/// (float64) implementation of the same rules.
struct ThumbnailReferenceTests {
    struct Reference: Decodable {
        struct Cell: Decodable { let glyph: String, fg: String, bg: String }
        let columns: Int, rows: Int, cells: [[Cell]]
    }

    static let cases: [(SymbolSet, ColorDepth)] = [
        (.halfBlock, .truecolor), (.halfBlock, .palette256), (.halfBlock, .palette16), (.quadrant, .truecolor),
        (.quadrant, .palette256), (.sextant, .truecolor), (.sextant, .palette16), (.ascii, .none),
    ]

    static func describe(_ c: TerminalColor) -> String {
        switch c {
        case .default: return "default"
        case .rgb(let v): return "rgb:\(v.r),\(v.g),\(v.b)"
        case .indexed(let i): return "idx:\(i)"
        }
    }

    @Test(arguments: cases)
    func matchesReference(_ symbols: SymbolSet, _ colors: ColorDepth) throws {
        let source = try PNGFile.read(Fixtures.bytes("thumbnails/source.png"))
        let name = "\(symbols.rawValue)-\(colors.rawValue)"
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.url("thumbnails/\(name).json")))
        let thumb = try ThumbnailRenderer.render(source, columns: 8, rows: 6, options: ThumbnailOptions(symbols: symbols, colors: colors))
        #expect(thumb.columns == reference.columns && thumb.rows == reference.rows)
        for (y, row) in reference.cells.enumerated() {
            for (x, ref) in row.enumerated() {
                let cell = thumb.cells[y][x]
                #expect(String(cell.glyph) == ref.glyph, "\(name) cell \(x),\(y)")
                #expect(Self.describe(cell.foreground) == ref.fg, "\(name) cell \(x),\(y) fg")
                #expect(Self.describe(cell.background) == ref.bg, "\(name) cell \(x),\(y) bg")
            }
        }
    }
}
