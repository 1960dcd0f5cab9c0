import Foundation

/// Results as a grid of thumbnails; one opened large with its record.
enum GalleryView {
    static let cellWidth = 18
    static let cellHeight = 10

    /// Columns of the grid for a screen width (the app logic moves the selection by it).
    static func columns(forWidth width: Int) -> Int { max(1, (width - 2) / cellWidth) }

    static func draw(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let b = context.bindings
        let title = "Gallery: \(state.outputDirectory.path) (\(state.galleryFiles.count))  \(b.label(.select)) open  \(b.label(.info)) record  \(b.label(.rerun)) re-run  \(b.label(.rerunNewSeed)) new seed  \(b.label(.delete)) delete"
        context.frame(&screen, rect, title: title, focused: true)
        let inner = rect.inset
        guard !state.galleryFiles.isEmpty else {
            screen.put("No PNG results yet in \(state.outputDirectory.path) (\(b.label(.refresh)) rescans).", x: inner.x + 1, y: inner.y, style: context.theme[.muted], maxX: inner.maxX)
            return
        }
        let index = min(state.galleryIndex, state.galleryFiles.count - 1)
        if state.openImage { drawOpen(state, index: index, in: inner, on: &screen, context); return }
        let columns = columns(forWidth: rect.width)
        let visibleRows = max(1, inner.height / cellHeight)
        let firstRow = max(0, index / columns - visibleRows + 1)
        for slot in 0..<(visibleRows * columns) {
            let fileIndex = firstRow * columns + slot
            guard fileIndex < state.galleryFiles.count else { break }
            let url = state.galleryFiles[fileIndex]
            let cell = Rect(x: inner.x + (slot % columns) * cellWidth, y: inner.y + (slot / columns) * cellHeight, width: cellWidth - 1, height: cellHeight)
            let selected = fileIndex == index
            let imageRect = Rect(x: cell.x, y: cell.y, width: cell.width, height: cell.height - 1)
            if let thumbnail = context.images?.thumbnail(of: url, columns: imageRect.width, rows: imageRect.height) {
                ThumbnailDrawing.draw(thumbnail, in: imageRect, on: &screen)
            } else {
                screen.put("…", x: imageRect.x + imageRect.width / 2, y: imageRect.y + imageRect.height / 2, style: context.theme[.muted])
            }
            let name = CellWidth.truncate(url.deletingPathExtension().lastPathComponent, to: cell.width - 1)
            let style = context.theme[selected ? .selection : .muted]
            screen.fill(Rect(x: cell.x, y: cell.maxY - 1, width: cell.width, height: 1), style: style)
            screen.put((selected ? ">" : " ") + name, x: cell.x, y: cell.maxY - 1, style: style, maxX: cell.maxX)
        }
    }

    private static func drawOpen(_ state: AppState, index: Int, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let url = state.galleryFiles[index]
        let recordWidth = state.showRecord ? max(30, rect.width / 2) : 0
        let (imageRect, recordRect) = rect.splitLeft(rect.width - recordWidth - 1, gap: 1)
        if let thumbnail = context.images?.thumbnail(of: url, columns: imageRect.width, rows: imageRect.height - 1) {
            ThumbnailDrawing.draw(thumbnail, in: Rect(x: imageRect.x, y: imageRect.y, width: imageRect.width, height: imageRect.height - 1), on: &screen)
        } else {
            screen.put("loading…", x: imageRect.x + 1, y: imageRect.y, style: context.theme[.muted])
        }
        screen.put(CellWidth.truncate("\(index + 1)/\(state.galleryFiles.count) \(url.lastPathComponent)   esc back", to: imageRect.width),
                   x: imageRect.x, y: imageRect.maxY - 1, style: context.theme[.title])
        guard state.showRecord else { return }
        var y = recordRect.y
        for line in state.recordText {
            for part in ComposeView.wrap(line, width: recordRect.width) {
                guard y < recordRect.maxY else { return }
                screen.put(part, x: recordRect.x, y: y, style: context.theme[.normal], maxX: recordRect.maxX)
                y += 1
            }
        }
    }
}
