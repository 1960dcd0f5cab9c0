import Foundation
import SceneForgeImaging

/// Thumbnails of image files for the views. An implementation may answer nil while it loads one in
/// the background (the view draws a placeholder and is redrawn when it is ready).
public protocol ImageProvider: Sendable {
    func thumbnail(of url: URL, columns: Int, rows: Int) -> Thumbnail?
}

/// Draws thumbnails into the screen model.
enum ThumbnailDrawing {
    static func draw(_ thumbnail: Thumbnail, in rect: Rect, on screen: inout ScreenBuffer) {
        let x0 = rect.x + max(0, (rect.width - thumbnail.columns) / 2)
        let y0 = rect.y + max(0, (rect.height - thumbnail.rows) / 2)
        for (row, cells) in thumbnail.cells.enumerated() where row < rect.height {
            for (column, cell) in cells.enumerated() where column < rect.width {
                screen.putCell(cell.glyph, x: x0 + column, y: y0 + row,
                               style: CellStyle(foreground: cell.foreground, background: cell.background))
            }
        }
    }

    static func render(_ image: RGBAImage, in rect: Rect, depth: ColorDepth, on screen: inout ScreenBuffer) {
        guard rect.width > 0, rect.height > 0,
              let thumbnail = try? ThumbnailRenderer.render(image, columns: rect.width, rows: rect.height,
                                                            options: ThumbnailOptions(colors: depth))
        else { return }
        draw(thumbnail, in: rect, on: &screen)
    }
}
