import Foundation

/// The outline a box kind is drawn with: a rectangle with elliptical corners. Radii are fractions
/// of half the box's width and height: 0 is a plain rectangle, 1 an ellipse (or a pill when the
/// box is long and `pill` keeps the corners circular).
struct BoxShape {
    /// Corner radius as a fraction of the shorter side.
    var cornerFraction: Double
    /// True for ellipses (close buttons, spinners, icons that are round).
    var isEllipse: Bool

    static func of(_ kind: BoxKind) -> BoxShape {
        switch kind {
        case .closeButton, .spinner, .errorIcon: return BoxShape(cornerFraction: 0, isEllipse: true)
        case .toast, .searchBar: return BoxShape(cornerFraction: 0.5, isEllipse: false)
        case .button: return BoxShape(cornerFraction: 0.3, isEllipse: false)
        case .icon, .banner: return BoxShape(cornerFraction: 0.22, isEllipse: false)
        case .dialog, .card, .sheet, .skeleton: return BoxShape(cornerFraction: 0.08, isEllipse: false)
        case .statusBar, .header, .listItem, .tabBar, .textLine, .image, .dimOverlay, .imagePlaceholder:
            return BoxShape(cornerFraction: 0, isEllipse: false)
        }
    }

    /// Corner radii in pixels for a rect of this size.
    func radii(for rect: PixelRect) -> (rx: Double, ry: Double) {
        if isEllipse { return (Double(rect.w) / 2, Double(rect.h) / 2) }
        let r = cornerFraction * Double(min(rect.w, rect.h))
        return (r, r)
    }
}

/// The columns of one row covered by a rounded rectangle, decided at pixel centres so the result
/// is exact and identical on every platform.
struct RoundedRectSpans {
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double
    let rx: Double
    let ry: Double

    init(rect: PixelRect, rx: Double, ry: Double, inset: Double = 0) {
        left = Double(rect.x) + inset
        top = Double(rect.y) + inset
        right = Double(rect.maxX) - inset
        bottom = Double(rect.maxY) - inset
        self.rx = max(0, rx - inset)
        self.ry = max(0, ry - inset)
    }

    var isEmpty: Bool { right <= left || bottom <= top }

    /// Half-open column range for pixel row `row`; empty when the row misses the shape.
    func span(row: Int) -> Range<Int> {
        let centreY = Double(row) + 0.5
        guard !isEmpty, centreY >= top, centreY < bottom else { return 0..<0 }
        var indent = 0.0
        if ry > 0 && rx > 0 {
            let dy: Double
            if centreY < top + ry {
                dy = top + ry - centreY
            } else if centreY > bottom - ry {
                dy = centreY - (bottom - ry)
            } else {
                dy = 0
            }
            let t = min(dy / ry, 1)
            indent = rx * (1 - (1 - t * t).squareRoot())
        }
        // Pixel i is inside when its centre i + 0.5 lies in [left + indent, right - indent).
        let first = Int((left + indent - 0.5).rounded(.up))
        let end = Int((right - indent - 0.5).rounded(.up))
        return end > first ? first..<end : 0..<0
    }
}
