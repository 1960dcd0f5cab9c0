import SceneForgeScenes

/// The anomaly elements of domain.md, each drawn inside its layout box (shadows reach at most
/// a few pixels beyond it).
extension ScreenPainter {
    func paintAnomaly(_ index: Int) {
        let planned = plan.boxes[index]
        let box = planned.box
        let f = frame(index)
        var rng = random(index)
        switch box.kind {
        case .dimOverlay: surface.darken(f, amount: palette.dimAmount)
        case .dialog: dialog(index, f, rng: &rng)
        case .sheet: sheet(index, f, rng: &rng)
        case .closeButton: closeButton(index, f, rng: &rng)
        case .toast: toast(f, text: box.text, rng: &rng)
        case .banner: banner(index, f, rng: &rng)
        case .spinner: spinner(f, rng: &rng)
        case .skeleton: skeleton(f, rng: &rng)
        case .errorIcon: errorIcon(f, rng: &rng)
        case .imagePlaceholder: brokenImage(f)
        case .image:
            if planned.inOverlay {
                Pictures.promotion(in: f, radius: radius * 0.8, palette: palette, rng: &rng, on: surface)
            } else {
                emptyState(f, rng: &rng)
            }
        case .icon:
            if planned.inOverlay && plan.layout.boxes[planned.parent ?? index].kind == .dialog {
                Pictures.pin(in: f, colour: palette.primary, on: surface)
            } else {
                Pictures.appIcon(in: f, hue: rng.uniform(0...360), rng: &rng, on: surface)
            }
        case .button:
            if !planned.inOverlay && isGreyedLayout {
                button(index, f, label: box.text, fill: palette.disabledFill, ink: palette.disabledText, rng: &rng)
            } else {
                button(index, f, label: box.text, fill: buttonFill(index), rng: &rng)
            }
        case .textLine:
            if !planned.inOverlay && PriceText.isPrice(box.text) {
                changedPrice(f, text: box.text, rng: &rng)
            } else if !planned.inOverlay {
                let first = !plan.layout.boxes.contains { $0.isAnomaly && $0.kind == .textLine && $0.rect.y < box.rect.y && abs($0.rect.x + $0.rect.w / 2 - (box.rect.x + box.rect.w / 2)) < 0.1 }
                GlyphText.draw(box.text, in: f, colour: first ? palette.text : palette.secondaryText, alignment: .centre,
                               weight: first ? 1.4 : 1, rng: &rng, on: surface)
            } else {
                textLine(index, f, rng: &rng)
            }
        case .listItem, .card, .header, .searchBar, .statusBar, .tabBar:
            paintFurniture(index, as: box.kind)
        }
    }

    private func shadow(_ f: Frame, radius r: Double) {
        guard palette.theme == .light else { return }
        let spread = max(1, width * 0.006)
        surface.fill(f.inset(-spread).offset(dx: 0, dy: spread * 0.5), radius: r + spread, .black, alpha: 0.07)
        surface.fill(f.inset(-spread * 0.5).offset(dx: 0, dy: spread * 0.3), radius: r + spread * 0.5, .black, alpha: 0.07)
    }

    private func dialog(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        let r = radius * 1.4
        shadow(f, radius: r)
        let hasArt = plan.children(of: index).contains { plan.layout.boxes[$0].kind == .image }
        if hasArt && rng.chance(0.45) {
            // Festive promotion card: warm gradient, light text.
            let top = Colour(hex: 0xFF5A3C).adjusted(hue: Float(rng.uniform(-10...10)))
            let bottom = Colour(hex: 0xE8261C).adjusted(hue: Float(rng.uniform(-6...6)))
            surface.fill(f, radius: r, .vertical(top, bottom, over: f))
            grounds[index] = top.mixed(with: bottom, 0.5)
        } else {
            surface.fill(f, radius: r, palette.surface)
            grounds[index] = palette.surface
        }
    }

    private func sheet(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        let r = radius * 1.6
        surface.clipped(to: f.inset(dx: 0, dy: -r).covering) {
            shadow(Frame(x0: f.x0, y0: f.y0, x1: f.x1, y1: f.y1 + r), radius: r)
        }
        surface.clipped(to: f.covering) {
            surface.fill(Frame(x0: f.x0, y0: f.y0, x1: f.x1, y1: f.y1 + r), radius: r, palette.surface)
        }
        grounds[index] = palette.surface
        if rng.chance(0.6) {
            let grabber = Frame(centreX: f.midX, centreY: f.y0 + f.height * 0.022, width: width * 0.1, height: max(2, f.height * 0.012))
            surface.fill(grabber, radius: grabber.height / 2, palette.secondaryText, alpha: 0.5)
        }
    }

    private func closeButton(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        let square = f.centredSquare()
        let onPanel = plan.boxes[index].inOverlay
        let ink: Colour
        if onPanel {
            let back = ground(index)
            surface.disc(in: square, back.mixed(with: back.readableText, 0.12))
            ink = back.readableText.mixed(with: back, 0.35)
        } else {
            // On the dimmed page: a white ring with a white cross.
            surface.disc(in: square, .black, alpha: 0.25)
            surface.ring(centreX: square.midX, centreY: square.midY, radius: square.width / 2, thickness: max(1.2, square.width * 0.07), .white)
            ink = .white
        }
        let arm = square.width * 0.2
        let stroke = max(1.2, square.width * 0.08)
        surface.line(square.midX - arm, square.midY - arm, square.midX + arm, square.midY + arm, width: stroke, ink)
        surface.line(square.midX - arm, square.midY + arm, square.midX + arm, square.midY - arm, width: stroke, ink)
    }

    private func toast(_ f: Frame, text: String?, rng: inout SeededRandom) {
        surface.fill(f, radius: f.height / 2, Colour(18, 18, 20), alpha: 0.82)
        var textFrame = Frame(x0: f.x0 + f.height * 0.6, y0: f.midY - f.height * 0.19, x1: f.x1 - f.height * 0.6, y1: f.midY + f.height * 0.19)
        if rng.chance(0.5) {
            let icon = Frame(centreX: f.x0 + f.height * 0.75, centreY: f.midY, width: f.height * 0.42, height: f.height * 0.42)
            surface.ring(centreX: icon.midX, centreY: icon.midY, radius: icon.width / 2, thickness: max(1, icon.width * 0.14), .white)
            surface.fill(icon.part(x: 0.43, y: 0.22, w: 0.14, h: 0.36), .white)
            surface.fill(icon.part(x: 0.43, y: 0.66, w: 0.14, h: 0.13), .white)
            textFrame.x0 = icon.x1 + f.height * 0.25
        }
        GlyphText.draw(text, in: textFrame, colour: .white, alignment: .centre, rng: &rng, on: surface)
    }

    /// Three looks by place: a notification dropping from the top, a thin warning notice, or a
    /// promotion banner floating over the list.
    private func banner(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        let box = plan.layout.boxes[index]
        let children = plan.children(of: index)
        let r = min(f.height * 0.28, radius * 1.5)
        if box.rect.y < 0.2 {
            shadow(f, radius: r)
            let fill = palette.theme == .light ? Colour(250, 250, 252) : Colour(44, 44, 48)
            surface.fill(f, radius: r, fill)
            grounds[index] = fill
        } else if children.isEmpty {
            let fill = palette.theme == .light ? palette.warning.lighter(0.86) : palette.warning.darker(0.72)
            surface.fill(f, radius: r * 0.6, fill)
            grounds[index] = fill
            let icon = Frame(centreX: f.x0 + f.height * 0.7, centreY: f.midY, width: f.height * 0.5, height: f.height * 0.5)
            surface.disc(in: icon, palette.warning)
            surface.fill(icon.part(x: 0.42, y: 0.2, w: 0.16, h: 0.38), .white)
            surface.fill(icon.part(x: 0.42, y: 0.66, w: 0.16, h: 0.14), .white)
            GlyphText.draw(box.text, in: Frame(x0: icon.x1 + f.height * 0.3, y0: f.midY - f.height * 0.2, x1: f.x1 - f.height * 0.5, y1: f.midY + f.height * 0.2),
                           colour: palette.warning.darker(palette.theme == .light ? 0.25 : 0).lighter(palette.theme == .light ? 0 : 0.3), rng: &rng, on: surface)
        } else {
            shadow(f, radius: r)
            let start = rng.chance(0.5) ? palette.accent : Colour(hex: 0xFF3B30)
            let end = rng.chance(0.5) ? palette.secondary : Colour(hex: 0xFF9500)
            surface.fill(f, radius: r, .linear(from: start, to: end, x0: f.x0, y0: f.y0, x1: f.x1, y1: f.y0))
            grounds[index] = start.mixed(with: end, 0.5)
            // The label goes between the children on the left and on the right.
            let inside = children.map { frame($0) }
            let left = inside.filter { $0.midX < f.midX }.map(\.x1).max() ?? f.x0 + f.height * 0.4
            let right = inside.filter { $0.midX >= f.midX }.map(\.x0).min() ?? f.x1 - f.height * 0.4
            GlyphText.draw(box.text, in: Frame(x0: left + f.height * 0.25, y0: f.midY - f.height * 0.17, x1: right - f.height * 0.25, y1: f.midY + f.height * 0.17),
                           colour: .white, weight: 1.5, rng: &rng, on: surface)
        }
    }

    private func spinner(_ f: Frame, rng: inout SeededRandom) {
        let square = f.centredSquare()
        let start = rng.uniform(0...(2 * Double.pi))
        let colour: Colour
        var ring = square.centredSquare(0.62)
        if rng.chance(0.5) {
            surface.fill(square, radius: square.width * 0.18, Colour(18, 18, 20), alpha: 0.78)
            colour = .white
            ring = square.centredSquare(0.5)
        } else {
            colour = palette.primary
            surface.ring(centreX: ring.midX, centreY: ring.midY, radius: ring.width / 2, thickness: max(1.5, ring.width * 0.12), palette.separator)
        }
        surface.ring(centreX: ring.midX, centreY: ring.midY, radius: ring.width / 2, thickness: max(1.5, ring.width * 0.12), colour,
                     arc: (start, Double.pi * 1.5), fade: true)
    }

    private func skeleton(_ f: Frame, rng: inout SeededRandom) {
        let r = min(radius * 0.5, f.shortSide * 0.3)
        surface.fill(f, radius: r, palette.skeleton)
        // A shimmer band caught mid-sweep.
        let phase = rng.uniform(0...1)
        let centre = f.x0 + f.width * phase
        let shine = palette.skeleton.lighter(palette.theme == .light ? 0.55 : 0.1)
        surface.clipped(to: f.covering) {
            let half = f.width * 0.18
            surface.fill(Frame(x0: centre - half, y0: f.y0, x1: centre, y1: f.y1), .linear(from: palette.skeleton, to: shine, x0: centre - half, y0: 0, x1: centre, y1: 0))
            surface.fill(Frame(x0: centre, y0: f.y0, x1: centre + half, y1: f.y1), .linear(from: shine, to: palette.skeleton, x0: centre, y0: 0, x1: centre + half, y1: 0))
        }
    }

    /// A failure mark in the error colour: a disc with "!" or a cross, or a Wi-Fi fan with an
    /// error badge for full-page network errors.
    private func errorIcon(_ f: Frame, rng: inout SeededRandom) {
        let square = f.centredSquare()
        let s = square.width
        let large = s > width * 0.2
        if large && rng.chance(0.5) {
            surface.disc(in: square, palette.error, alpha: palette.theme == .light ? 0.1 : 0.18)
            let fan = palette.secondaryText
            for step in 0..<3 {
                let radius = s * (0.16 + 0.12 * Double(step))
                surface.ring(centreX: square.midX, centreY: square.midY + s * 0.18, radius: radius, thickness: max(1.5, s * 0.055), fan,
                             arc: (Double.pi * 1.25, Double.pi * 0.5))
            }
            surface.disc(in: Frame(centreX: square.midX, centreY: square.midY + s * 0.18, width: s * 0.1, height: s * 0.1), fan)
            let badge = Frame(centreX: square.midX + s * 0.22, centreY: square.midY + s * 0.22, width: s * 0.32, height: s * 0.32)
            surface.disc(in: badge, palette.error)
            mark(in: badge, cross: true)
            return
        }
        let disc = large ? square.centredSquare(0.7) : square
        if large { surface.disc(in: square, palette.error, alpha: palette.theme == .light ? 0.1 : 0.18) }
        surface.disc(in: disc, palette.error)
        mark(in: disc, cross: rng.chance(0.5))
    }

    /// A white "!" or "x" in a disc.
    private func mark(in disc: Frame, cross: Bool) {
        let s = disc.width
        if cross {
            let arm = s * 0.2
            surface.line(disc.midX - arm, disc.midY - arm, disc.midX + arm, disc.midY + arm, width: max(1.2, s * 0.11), .white)
            surface.line(disc.midX - arm, disc.midY + arm, disc.midX + arm, disc.midY - arm, width: max(1.2, s * 0.11), .white)
        } else {
            surface.fill(disc.part(x: 0.44, y: 0.2, w: 0.12, h: 0.38), radius: s * 0.04, .white)
            surface.fill(disc.part(x: 0.44, y: 0.66, w: 0.12, h: 0.12), radius: s * 0.04, .white)
        }
    }

    /// A grey panel with a picture glyph split by a crack: the image that failed to load.
    private func brokenImage(_ f: Frame) {
        let panel = palette.theme == .light ? Colour(hex: 0xECECEE) : palette.surface.lighter(0.06)
        surface.fill(f, radius: radius * 0.7, panel)
        let icon = f.centredSquare(0.42)
        let ink = palette.secondaryText
        let stroke = max(1.2, icon.width * 0.07)
        surface.fill(icon, radius: icon.width * 0.12, ink)
        surface.fill(icon.inset(stroke), radius: max(icon.width * 0.12 - stroke, 0), panel)
        surface.triangle((icon.x0 + stroke, icon.y1 - stroke), (icon.x0 + icon.width * 0.4, icon.y0 + icon.height * 0.45), (icon.x0 + icon.width * 0.75, icon.y1 - stroke), .solid(ink))
        surface.disc(in: icon.part(x: 0.6, y: 0.2, w: 0.18, h: 0.18), ink)
        surface.line(icon.x0 + icon.width * 0.62, icon.y0 - stroke, icon.x0 + icon.width * 0.38, icon.y1 + stroke, width: stroke * 1.6, panel)
    }

    /// The illustration of an empty state: an open box, a magnifier with a cross, or a round
    /// "sold out" stamp.
    private func emptyState(_ f: Frame, rng: inout SeededRandom) {
        let square = f.centredSquare(0.9)
        let s = square.width
        let ink = palette.secondaryText
        surface.disc(in: square, palette.theme == .light ? palette.primary.lighter(0.88) : palette.surface.lighter(0.05))
        switch rng.int(0...2) {
        case 0:
            let body = square.part(x: 0.25, y: 0.45, w: 0.5, h: 0.3)
            surface.fill(body, radius: s * 0.03, ink)
            surface.triangle((body.x0, body.y0), (body.x0 - s * 0.08, body.y0 - s * 0.12), (body.midX, body.y0 - s * 0.04), .solid(ink.lighter(0.3)))
            surface.triangle((body.x1, body.y0), (body.x1 + s * 0.08, body.y0 - s * 0.12), (body.midX, body.y0 - s * 0.04), .solid(ink.lighter(0.3)))
        case 1:
            let lens = square.part(x: 0.25, y: 0.22, w: 0.4, h: 0.4)
            surface.ring(centreX: lens.midX, centreY: lens.midY, radius: lens.width / 2, thickness: max(1.5, s * 0.05), ink)
            surface.line(lens.x1 - s * 0.03, lens.y1 - s * 0.03, square.x0 + s * 0.78, square.y0 + s * 0.78, width: max(1.5, s * 0.07), ink)
            let arm = s * 0.06
            surface.line(lens.midX - arm, lens.midY - arm, lens.midX + arm, lens.midY + arm, width: max(1.2, s * 0.035), ink)
            surface.line(lens.midX - arm, lens.midY + arm, lens.midX + arm, lens.midY - arm, width: max(1.2, s * 0.035), ink)
        default:
            let stamp = palette.error
            let c = square.centredSquare(0.72)
            surface.ring(centreX: c.midX, centreY: c.midY, radius: c.width / 2, thickness: max(1.5, s * 0.04), stamp)
            surface.ring(centreX: c.midX, centreY: c.midY, radius: c.width * 0.4, thickness: max(1, s * 0.02), stamp)
            let bandFrame = c.part(x: -0.08, y: 0.38, w: 1.16, h: 0.24)
            surface.fill(bandFrame, radius: bandFrame.height * 0.2, stamp)
            GlyphText.draw("已售罄", in: bandFrame.inset(dx: bandFrame.width * 0.16, dy: bandFrame.height * 0.22), colour: .white, alignment: .centre,
                           weight: 1.5, rng: &rng, on: surface)
        }
    }

    /// The price that changed: highlighted, in the error colour, with the old amount struck
    /// through before it.
    private func changedPrice(_ f: Frame, text: String?, rng: inout SeededRandom) {
        let highlight = palette.theme == .light ? palette.warning.lighter(0.8) : palette.warning.darker(0.7)
        surface.fill(f.inset(dx: -f.height * 0.1, dy: -f.height * 0.08), radius: f.height * 0.2, highlight)
        _ = rng.next()  // a different amount from the one the normal render shows
        PriceText.draw(text, in: f, colour: palette.error, rng: &rng, on: surface)
        let arrow = Frame(x0: f.x1 - f.height * 0.7, y0: f.y0 + f.height * 0.1, x1: f.x1 - f.height * 0.1, y1: f.y1 - f.height * 0.1)
        surface.triangle((arrow.x0, arrow.y1), (arrow.midX, arrow.y0), (arrow.x1, arrow.y1), .solid(palette.error))
    }
}
