/// Picture content without photographs: gradients and bold shapes in the app's picture hues.
enum Pictures {
    /// A "photo": a two-colour gradient with one to three shapes (a plate, hills, a sun, a
    /// product box, a play button), clipped to the frame's rounded outline.
    static func photo(in f: Frame, radius: Double, palette: ScreenPalette, rng: inout SeededRandom, on surface: Surface) {
        guard !f.isEmpty else { return }
        let hue = Float(rng.pick(palette.pictureHues) + rng.uniform(-18...18))
        let saturation = Float(rng.uniform(0.3...0.75))
        let top = Colour.fromHSV(hue, saturation, Float(rng.uniform(0.7...0.97)))
        let bottom = Colour.fromHSV(hue + Float(rng.uniform(-40...40)), min(saturation * 1.2, 1), Float(rng.uniform(0.45...0.85)))
        surface.fill(f, radius: radius, rng.chance(0.5) ? .vertical(top, bottom, over: f) : .diagonal(top, bottom, over: f))
        surface.clipped(to: f.covering) {
            let s = f.shortSide
            for _ in 0..<rng.int(1...3) {
                let colour = Colour.fromHSV(hue + Float(rng.uniform(-150...150)), Float(rng.uniform(0.2...0.8)), Float(rng.uniform(0.5...1)))
                let cx = f.x0 + f.width * rng.uniform(0.2...0.8), cy = f.y0 + f.height * rng.uniform(0.25...0.8)
                switch rng.int(0...3) {
                case 0:  // plate, sun, ball
                    let d = s * rng.uniform(0.35...0.75)
                    surface.disc(in: Frame(centreX: cx, centreY: cy, width: d, height: d), colour)
                    if rng.chance(0.5) { surface.disc(in: Frame(centreX: cx, centreY: cy, width: d * 0.6, height: d * 0.6), colour.darker(0.25)) }
                case 1:  // hill
                    let w = f.width * rng.uniform(0.5...1.1)
                    surface.triangle((cx - w / 2, f.y1 + 1), (cx + w * rng.uniform(-0.2...0.2), f.y0 + f.height * rng.uniform(0.25...0.6)),
                                     (cx + w / 2, f.y1 + 1), .solid(colour.darker(0.15)))
                case 2:  // product box
                    let w = s * rng.uniform(0.3...0.6), h = s * rng.uniform(0.3...0.6)
                    surface.fill(Frame(centreX: cx, centreY: cy, width: w, height: h), radius: min(w, h) * 0.15, colour)
                default:  // play button
                    let d = s * 0.38
                    surface.disc(in: Frame(centreX: f.midX, centreY: f.midY, width: d, height: d), .black, alpha: 0.35)
                    surface.triangle((f.midX - d * 0.14, f.midY - d * 0.22), (f.midX - d * 0.14, f.midY + d * 0.22), (f.midX + d * 0.24, f.midY), .solid(.white))
                }
            }
        }
    }

    /// A rounded-square app icon with a white symbol.
    static func appIcon(in f: Frame, hue: Double, rng: inout SeededRandom, on surface: Surface) {
        let square = f.centredSquare()
        let fill = Colour.fromHSV(Float(hue), Float(rng.uniform(0.55...0.85)), Float(rng.uniform(0.7...0.95)))
        surface.fill(square, radius: square.width * 0.24, fill)
        let inner = square.centredSquare(0.5)
        if rng.chance(0.5) {
            surface.ring(centreX: inner.midX, centreY: inner.midY, radius: inner.width / 2, thickness: max(1, inner.width * 0.22), .white)
        } else {
            surface.fill(inner, radius: inner.width * 0.2, .white)
        }
    }

    /// A map-pin style permission icon in `colour`.
    static func pin(in f: Frame, colour: Colour, on surface: Surface) {
        let s = f.centredSquare(0.9)
        let head = Frame(x0: s.x0 + s.width * 0.15, y0: s.y0, x1: s.x1 - s.width * 0.15, y1: s.y0 + s.width * 0.7)
        surface.triangle((head.x0 + head.width * 0.1, head.midY + head.height * 0.2), (head.x1 - head.width * 0.1, head.midY + head.height * 0.2),
                         (s.midX, s.y1), .solid(colour))
        surface.disc(in: head, colour)
        surface.disc(in: head.centredSquare(0.4), .white)
    }

    /// Promotion art for dialogs and sheets: a festive gradient with a coupon ticket, a gift
    /// box or a big badge.
    static func promotion(in f: Frame, radius: Double, palette: ScreenPalette, rng: inout SeededRandom, on surface: Surface) {
        let warm = rng.chance(0.6)
        let start = warm ? Colour(hex: 0xFF3B30).adjusted(hue: Float(rng.uniform(-8...12))) : palette.primary
        let end = warm ? Colour(hex: 0xFF9F0A).adjusted(hue: Float(rng.uniform(-10...10))) : palette.secondary
        surface.fill(f, radius: radius, .diagonal(start, end, over: f))
        let cream = Colour(hex: 0xFFF4DC)
        let s = f.shortSide
        switch rng.int(0...2) {
        case 0:  // coupon ticket with notches and a big amount
            let ticket = f.part(x: 0.12, y: 0.2, w: 0.76, h: 0.6)
            surface.fill(ticket, radius: ticket.height * 0.12, cream)
            let notch = ticket.height * 0.28
            surface.disc(in: Frame(centreX: ticket.x0, centreY: ticket.midY, width: notch, height: notch), start.mixed(with: end, 0.4))
            surface.disc(in: Frame(centreX: ticket.x1, centreY: ticket.midY, width: notch, height: notch), start.mixed(with: end, 0.6))
            let split = ticket.x0 + ticket.width * 0.38
            GlyphText.draw("¥50", in: Frame(x0: ticket.x0 + notch * 0.6, y0: ticket.midY - ticket.height * 0.22, x1: split, y1: ticket.midY + ticket.height * 0.22),
                           colour: Colour(hex: 0xE8261C), alignment: .centre, weight: 2, rng: &rng, on: surface)
            GlyphText.draw(nil, in: Frame(x0: split + notch * 0.3, y0: ticket.midY - ticket.height * 0.12, x1: ticket.x1 - notch * 0.6, y1: ticket.midY + ticket.height * 0.04),
                           colour: Colour(hex: 0x8A5A2B), keep: 0.5, rng: &rng, on: surface)
        case 1:  // gift box
            let boxFrame = f.centredSquare(0.62).offset(dx: 0, dy: s * 0.06)
            surface.fill(boxFrame, radius: boxFrame.width * 0.08, cream)
            surface.fill(boxFrame.part(x: 0, y: 0, w: 1, h: 0.28), radius: boxFrame.width * 0.06, cream.darker(0.08))
            surface.fill(boxFrame.part(x: 0.42, y: 0, w: 0.16, h: 1), Colour(hex: 0xE8261C))
            surface.ring(centreX: boxFrame.midX - boxFrame.width * 0.13, centreY: boxFrame.y0 - boxFrame.width * 0.08, radius: boxFrame.width * 0.14, thickness: max(1, boxFrame.width * 0.06), Colour(hex: 0xE8261C))
            surface.ring(centreX: boxFrame.midX + boxFrame.width * 0.13, centreY: boxFrame.y0 - boxFrame.width * 0.08, radius: boxFrame.width * 0.14, thickness: max(1, boxFrame.width * 0.06), Colour(hex: 0xE8261C))
        default:  // badge
            let badge = f.centredSquare(0.72)
            surface.disc(in: badge, Colour(hex: 0xFFD54A))
            surface.disc(in: badge.centredSquare(0.78), Colour(hex: 0xFFB300))
            GlyphText.draw("8.8", in: badge.part(x: 0.2, y: 0.36, w: 0.6, h: 0.28), colour: .white, alignment: .centre, weight: 2, rng: &rng, on: surface)
        }
    }
}
