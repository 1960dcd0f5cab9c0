import SceneForgeImaging

/// Whole-screen feature vectors for the two classifiers, read at the detector's working width.
enum ScreenFeatures {
    /// Layout evidence for the anomaly-type classifier: on a 6x12 grid, each cell's luma against the page,
    /// its luma spread, its distance from the page colour and its saturation. Relative to the page so the
    /// app's colours and light/dark theme matter less than where things are.
    static func layout(_ image: RGBAImage) throws -> [Float] {
        let planes = try ColourPlanes(image.downsampled(toWidth: AnomalyRegionDetector.workingWidth))
        let (w, h) = (planes.width, planes.height)
        let page = (ColourPlanes.median(planes.red), ColourPlanes.median(planes.green), ColourPlanes.median(planes.blue))
        let pageLuma = ColourPlanes.median(planes.luma)
        let (cols, rows) = (6, 12)
        var out: [Float] = []
        for gy in 0..<rows {
            for gx in 0..<cols {
                let x0 = gx * w / cols, x1 = max(x0 + 1, (gx + 1) * w / cols)
                let y0 = gy * h / rows, y1 = max(y0 + 1, (gy + 1) * h / rows)
                var sum: Float = 0, square: Float = 0, off: Float = 0, sat: Float = 0
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let i = y * w + x, l = planes.luma[i] - pageLuma
                        sum += l
                        square += l * l
                        off += (abs(planes.red[i] - page.0) + abs(planes.green[i] - page.1) + abs(planes.blue[i] - page.2)) / 3
                        sat += planes.saturation[i]
                    }
                }
                let n = Float((x1 - x0) * (y1 - y0)), mean = sum / n
                out += [mean, (max(0, square / n - mean * mean)).squareRoot(), off / n, sat / n]
            }
        }
        return out
    }

    /// Brand-colour evidence for the theme classifier: in the header band, the bottom bar and the whole
    /// screen, the hue distribution of coloured pixels (soft 15° bins, normalised by the band's coloured
    /// weight, so a plain header's few title pixels count as much as a solid band), once weighted by
    /// brightness and once by darkness (navy and blue share a hue, not a value), plus how coloured the band is.
    static func theme(_ image: RGBAImage) throws -> [Float] {
        let planes = try ColourPlanes(image.downsampled(toWidth: AnomalyRegionDetector.workingWidth))
        let (w, h) = (planes.width, planes.height)
        let bands: [(Double, Double)] = [(0, 0.1), (0.9, 1), (0, 1)]
        let hueBins = 24
        var out: [Float] = []
        for (top, bottom) in bands {
            var bright = [Float](repeating: 0, count: hueBins), dark = bright
            let y0 = Int(top * Double(h)), y1 = max(y0 + 1, Int(bottom * Double(h)))
            for y in y0..<min(h, y1) {
                for x in 0..<w {
                    let i = y * w + x
                    let value = max(planes.red[i], planes.green[i], planes.blue[i])
                    let chroma = planes.saturation[i]
                    guard chroma > 0.15, value > 0.15 else { continue }
                    let position = hue(planes.red[i], planes.green[i], planes.blue[i], value: value, chroma: chroma) / 360 * Float(hueBins)
                    let low = Int(position) % hueBins, high = (low + 1) % hueBins, part = position - Float(Int(position))
                    let weight = chroma / value  // HSV saturation
                    bright[low] += weight * value * (1 - part)
                    bright[high] += weight * value * part
                    dark[low] += weight * (1 - value) * (1 - part)
                    dark[high] += weight * (1 - value) * part
                }
            }
            let coloured = bright.reduce(0, +) + dark.reduce(0, +), n = max(coloured, 1e-6)
            out += bright.map { $0 / n } + dark.map { $0 / n } + [coloured / Float(w * (y1 - y0))]
        }
        return out
    }

    /// Hue in degrees (0..<360) from RGB with its value (max) and chroma (max − min).
    static func hue(_ r: Float, _ g: Float, _ b: Float, value: Float, chroma: Float) -> Float {
        let h: Float
        if value == r { h = (g - b) / chroma } else if value == g { h = (b - r) / chroma + 2 } else { h = (r - g) / chroma + 4 }
        let degrees = h * 60
        return degrees < 0 ? degrees + 360 : (degrees >= 360 ? degrees - 360 : degrees)
    }
}
