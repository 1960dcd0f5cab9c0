/// The largest cell box inside `columns` x `rows` that keeps the image's aspect ratio,
/// given that a cell is `cellAspect` times taller than it is wide.
public enum ThumbnailLayout {
    public static func fit(imageWidth: Int, imageHeight: Int, columns: Int, rows: Int, cellAspect: Double = 2) -> (columns: Int, rows: Int) {
        let imageAspect = Double(imageWidth) / Double(imageHeight)  // width / height in pixels
        // In cells: columns / rows = imageAspect * cellAspect.
        var c = Double(columns)
        var r = c / (imageAspect * cellAspect)
        if r > Double(rows) {
            r = Double(rows)
            c = r * imageAspect * cellAspect
        }
        return (max(1, min(columns, Int(c.rounded()))), max(1, min(rows, Int(r.rounded()))))
    }
}
