import SceneForgeScenes

/// Ordinary page content: bars, lists, cards, buttons, text, pictures.
extension ScreenPainter {
    func paintFurniture(_ index: Int, as kind: BoxKind) {
        let box = plan.layout.boxes[index]
        let f = frame(index)
        var rng = random(index)
        switch kind {
        case .statusBar: statusBar(f, rng: &rng)
        case .header: header(f, title: box.text, rng: &rng)
        case .searchBar: searchBar(index, f, rng: &rng)
        case .listItem: listItem(index, f, rng: &rng)
        case .card: card(index, f, rng: &rng)
        case .button: button(index, f, label: box.text, fill: buttonFill(index), rng: &rng)
        case .tabBar: tabBar(f, labels: box.text, rng: &rng)
        case .textLine: textLine(index, f, rng: &rng)
        case .icon: Pictures.appIcon(in: f, hue: rng.uniform(0...360), rng: &rng, on: surface)
        case .image, .imagePlaceholder, .skeleton:
            Pictures.photo(in: f, radius: imageRadius(index, f), palette: palette, rng: &rng, on: surface)
        default:
            // Anomaly kinds never reach here as page content; draw them as anomalies if they do.
            paintAnomaly(index)
        }
    }

    // MARK: Bars

    private func statusBar(_ f: Frame, rng: inout SeededRandom) {
        let ink = bandColour.readableText
        let h = f.height
        GlyphText.draw("9:41", in: Frame(x0: f.x0 + width * 0.06, y0: f.midY - h * 0.25, x1: f.x0 + width * 0.3, y1: f.midY + h * 0.25),
                       colour: ink, weight: 1.4, rng: &rng, on: surface)
        // Battery, then signal bars to its left.
        let battery = Frame(x0: f.x1 - width * 0.1, y0: f.midY - h * 0.2, x1: f.x1 - width * 0.05, y1: f.midY + h * 0.2)
        surface.fill(battery, radius: battery.height * 0.3, ink, alpha: 0.35)
        surface.fill(battery.part(x: 0, y: 0, w: rng.uniform(0.3...1), h: 1), radius: battery.height * 0.3, ink)
        let barWidth = width * 0.008
        for bar in 0..<4 {
            let x = f.x1 - width * 0.2 + Double(bar) * barWidth * 1.8
            let top = f.midY + h * 0.2 - h * 0.42 * Double(bar + 1) / 4
            surface.fill(Frame(x0: x, y0: top, x1: x + barWidth, y1: f.midY + h * 0.2), ink)
        }
    }

    private func header(_ f: Frame, title: String?, rng: inout SeededRandom) {
        let ink = palette.header == .plain ? palette.text : bandColour.readableText
        let accent = palette.header == .plain ? palette.primary : ink
        let h = f.height
        let centred = rng.chance(0.5)
        let back = centred || rng.chance(0.5)
        if back {
            let x = f.x0 + width * 0.05, s = h * 0.2
            surface.line(x + s, f.midY - s, x, f.midY, width: hairline * 1.6, ink)
            surface.line(x, f.midY, x + s, f.midY + s, width: hairline * 1.6, ink)
        }
        let line = Frame(x0: centred ? f.x0 + width * 0.2 : f.x0 + width * (back ? 0.12 : 0.05), y0: f.midY - h * 0.21,
                         x1: centred ? f.x1 - width * 0.2 : f.x0 + width * 0.7, y1: f.midY + h * 0.21)
        GlyphText.draw(title, in: line, colour: palette.header == .plain && rng.chance(0.5) ? accent : ink,
                       alignment: centred ? .centre : .leading, weight: 1.5, rng: &rng, on: surface)
        for icon in 0..<rng.int(1...2) {
            let c = f.x1 - width * (0.07 + 0.09 * Double(icon))
            let r = h * 0.17
            if rng.chance(0.5) {
                surface.ring(centreX: c, centreY: f.midY, radius: r, thickness: hairline * 1.4, accent)
            } else {
                for dot in -1...1 { surface.disc(in: Frame(centreX: c + Double(dot) * r * 0.8, centreY: f.midY, width: r * 0.45, height: r * 0.45), accent) }
            }
        }
    }

    private func searchBar(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        let onBand = band.map { f.midY < $0.y1 } ?? false
        let fill = onBand && palette.header != .plain ? palette.surface : palette.searchFill
        let pill = rng.chance(0.7)
        surface.fill(f, radius: pill ? f.height / 2 : radius * 0.6, fill)
        if !onBand || palette.header == .plain, rng.chance(0.4) {
            surface.fill(f, radius: pill ? f.height / 2 : radius * 0.6, palette.primary, alpha: 0.9)
            surface.fill(f.inset(hairline * 1.5), radius: max((pill ? f.height / 2 : radius * 0.6) - hairline * 1.5, 0), fill)
        }
        let r = f.height * 0.2
        let cx = f.x0 + f.height * 0.55 + r
        surface.ring(centreX: cx, centreY: f.midY - r * 0.15, radius: r, thickness: max(hairline * 1.2, r * 0.3), palette.secondaryText)
        surface.line(cx + r * 0.7, f.midY + r * 0.55, cx + r * 1.3, f.midY + r * 1.15, width: max(hairline * 1.2, r * 0.3), palette.secondaryText)
        var textEnd = f.x1 - f.height * 0.5
        if rng.chance(0.45) {
            let button = Frame(x0: f.x1 - f.height * 1.9, y0: f.y0 + f.height * 0.12, x1: f.x1 - f.height * 0.12, y1: f.y1 - f.height * 0.12)
            surface.fill(button, radius: pill ? button.height / 2 : radius * 0.5, palette.primary)
            GlyphText.draw("搜索", in: button.inset(dx: button.width * 0.22, dy: button.height * 0.3), colour: palette.primary.readableText,
                           alignment: .centre, rng: &rng, on: surface)
            textEnd = button.x0 - f.height * 0.3
        }
        let text = Frame(x0: cx + r * 2.2, y0: f.midY - f.height * 0.17, x1: textEnd, y1: f.midY + f.height * 0.17)
        GlyphText.draw(plan.layout.boxes[index].text, in: text, colour: palette.secondaryText, keep: rng.uniform(0.6...1), rng: &rng, on: surface)
    }

    private func tabBar(_ f: Frame, labels: String?, rng: inout SeededRandom) {
        surface.fill(f, palette.surface)
        surface.fill(Frame(x0: f.x0, y0: f.y0, x1: f.x1, y1: f.y0 + hairline), palette.separator)
        let words = (labels ?? "").split(separator: " ").count
        let count = min(max(words + rng.int(0...2), 3), 5)
        let selected = rng.chance(0.6) ? 0 : rng.int(0...count - 1)
        let slot = f.width / Double(count)
        for tab in 0..<count {
            let colour = tab == selected ? palette.primary : palette.secondaryText
            let cx = f.x0 + slot * (Double(tab) + 0.5)
            let icon = Frame(centreX: cx, centreY: f.y0 + f.height * 0.36, width: f.height * 0.36, height: f.height * 0.36)
            switch rng.int(0...2) {
            case 0: surface.fill(icon, radius: icon.width * 0.25, colour, alpha: tab == selected ? 1 : 0.85)
            case 1: surface.ring(centreX: icon.midX, centreY: icon.midY, radius: icon.width / 2, thickness: max(hairline * 1.5, icon.width * 0.14), colour)
            default:
                surface.triangle((icon.x0, icon.midY), (icon.midX, icon.y0), (icon.x1, icon.midY), .solid(colour))
                surface.fill(icon.part(x: 0.15, y: 0.45, w: 0.7, h: 0.55), colour)
            }
            let label = Frame(centreX: cx, centreY: f.y0 + f.height * 0.74, width: slot * 0.5, height: f.height * 0.15)
            GlyphText.draw(nil, in: label.inset(dx: 0, dy: 0), colour: colour, alignment: .centre, keep: 0.2, rng: &rng, on: surface)
        }
    }

    // MARK: Containers

    private func listItem(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        if palette.cardList {
            surface.fill(f, radius: radius, palette.surface)
        } else {
            surface.fill(Frame(x0: 0, y0: f.y0, x1: width, y1: f.y1), palette.surface)
            surface.fill(Frame(x0: f.x0 + width * 0.03, y0: f.y1 - hairline, x1: width, y1: f.y1), palette.separator)
        }
        grounds[index] = palette.surface
        decorateFreeSpace(index, f, rng: &rng)
    }

    private func card(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        if palette.theme == .light && rng.chance(0.6) {
            surface.fill(f.offset(dx: 0, dy: hairline), radius: radius, .black, alpha: 0.05)
        }
        surface.fill(f, radius: radius, palette.surface)
        grounds[index] = palette.surface
        let children = plan.children(of: index)
        let firstChild = children.map { frame($0).x0 }.min() ?? f.x1
        if children.isEmpty {
            fillEmptyCard(f, rng: &rng)
        } else if firstChild > f.midX {
            // Children only on the right (a price column): generated rows fill the left.
            fillEmptyCard(Frame(x0: f.x0, y0: f.y0, x1: firstChild - width * 0.02, y1: f.y1), rng: &rng)
        } else {
            decorateFreeSpace(index, f, rng: &rng)
        }
    }

    /// A card with no layout children gets generated rows (thumbnail and two lines), or chips
    /// when it is too flat for rows.
    private func fillEmptyCard(_ f: Frame, rng: inout SeededRandom) {
        let pad = width * 0.035
        let inner = f.inset(dx: pad, dy: min(pad, f.height * 0.2))
        let rowHeight = width * 0.16
        if inner.height < rowHeight * 0.8 {
            var x = inner.x0
            while x < inner.x1 - inner.height * 3 {
                let w = inner.height * rng.uniform(2.2...3.6)
                let chip = Frame(x0: x, y0: inner.y0, x1: min(x + w, inner.x1), y1: inner.y1)
                surface.fill(chip, radius: chip.height / 2, palette.searchFill)
                GlyphText.draw(nil, in: chip.inset(dx: chip.height * 0.45, dy: chip.height * 0.32), colour: palette.secondaryText, keep: 0.3, rng: &rng, on: surface)
                x += w + inner.height * 0.5
            }
            return
        }
        let rows = max(1, Int(inner.height / rowHeight))
        let step = inner.height / Double(rows)
        for row in 0..<rows {
            let line = Frame(x0: inner.x0, y0: inner.y0 + Double(row) * step, x1: inner.x1, y1: inner.y0 + Double(row + 1) * step)
            let thumb = Frame(x0: line.x0, y0: line.y0 + step * 0.1, x1: line.x0 + step * 0.8, y1: line.y1 - step * 0.1)
            Pictures.photo(in: thumb, radius: radius * 0.5, palette: palette, rng: &rng, on: surface)
            let em = min(step * 0.16, width * 0.04)
            let textX = thumb.x1 + pad * 0.6
            GlyphText.draw(nil, in: Frame(x0: textX, y0: thumb.y0 + em * 0.3, x1: inner.x1 - width * 0.2, y1: thumb.y0 + em * 1.3),
                           colour: palette.text, weight: 1.3, keep: rng.uniform(0.5...1), rng: &rng, on: surface)
            GlyphText.draw(nil, in: Frame(x0: textX, y0: thumb.y0 + em * 1.9, x1: inner.x1 - width * 0.3, y1: thumb.y0 + em * 2.7),
                           colour: palette.secondaryText, keep: rng.uniform(0.4...0.9), rng: &rng, on: surface)
        }
    }

    /// Decorations in the part of a container its children leave free on the right: a tag, a
    /// circular add button, a short secondary line. How many depends on the style's density.
    private func decorateFreeSpace(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        let children = plan.children(of: index)
        let used = children.map { frame($0).x1 }.max() ?? f.x0
        let free = Frame(x0: max(used, f.x0) + width * 0.02, y0: f.y0 + f.height * 0.12, x1: f.x1 - width * 0.03, y1: f.y1 - f.height * 0.12)
        guard free.width > width * 0.08, free.height > 4 else { return }
        let em = min(free.height * 0.2, width * 0.032)
        if rng.chance(0.45 * palette.density) {
            GlyphText.draw(nil, in: Frame(x0: free.x1 - free.width * 0.9, y0: free.y0, x1: free.x1, y1: free.y0 + em),
                           colour: palette.secondaryText, keep: 0.35, rng: &rng, on: surface)
        }
        switch rng.int(0...3) {
        case 0:
            let d = min(free.height * 0.42, free.width * 0.5)
            let c = Frame(x0: free.x1 - d, y0: free.y1 - d, x1: free.x1, y1: free.y1)
            surface.disc(in: c, palette.primary)
            let ink = palette.primary.readableText
            surface.line(c.x0 + d * 0.28, c.midY, c.x1 - d * 0.28, c.midY, width: max(hairline, d * 0.12), ink)
            surface.line(c.midX, c.y0 + d * 0.28, c.midX, c.y1 - d * 0.28, width: max(hairline, d * 0.12), ink)
        case 1:
            let tag = Frame(x0: free.x1 - free.width * 0.8, y0: free.y1 - em * 1.6, x1: free.x1, y1: free.y1)
            surface.fill(tag, radius: em * 0.4, palette.accent, alpha: 0.14)
            GlyphText.draw(nil, in: tag.inset(dx: em * 0.4, dy: em * 0.35), colour: palette.accent, keep: 0.25, rng: &rng, on: surface)
        case 2 where palette.density > 1:
            let pill = Frame(x0: free.x1 - free.width * 0.7, y0: free.y1 - em * 1.9, x1: free.x1, y1: free.y1)
            surface.fill(pill, radius: pill.height / 2, palette.accent)
            GlyphText.draw(nil, in: pill.inset(dx: em * 0.6, dy: em * 0.5), colour: palette.accent.readableText, alignment: .centre, keep: 0.2, rng: &rng, on: surface)
        default: break
        }
    }

    // MARK: Controls and text

    func buttonFill(_ index: Int) -> Colour {
        let planned = plan.boxes[index]
        // On a festive (non-surface) dialog the brand colour would vanish: gold instead.
        let festive = planned.inOverlay && ground(index) != palette.surface
        if planned.buttonRank == 0 { return festive ? Colour(hex: 0xFFE08A) : palette.primary }
        // Second and later buttons of a container: a quieter secondary action.
        return planned.inOverlay ? ground(index).mixed(with: palette.text, 0.08) : palette.secondary
    }

    func button(_ index: Int, _ f: Frame, label: String?, fill: Colour, ink: Colour? = nil, rng: inout SeededRandom) {
        let pill = rng.chance(0.6)
        surface.fill(f, radius: pill ? f.height / 2 : min(radius, f.height * 0.3), fill)
        let textColour = ink ?? (fill.luma > 200 && palette.theme == .light ? palette.text : fill.readableText)
        let line = Frame(x0: f.x0 + f.height * 0.4, y0: f.midY - f.height * 0.19, x1: f.x1 - f.height * 0.4, y1: f.midY + f.height * 0.19)
        GlyphText.draw(label, in: line, colour: textColour, alignment: .centre, weight: 1.3, rng: &rng, on: surface)
        grounds[index] = fill
    }

    /// Titles, secondary lines and prices, told apart by position among siblings and by text.
    func textLine(_ index: Int, _ f: Frame, rng: inout SeededRandom) {
        let box = plan.layout.boxes[index]
        let planned = plan.boxes[index]
        let onGround = ground(index)
        if PriceText.isPrice(box.text) {
            PriceText.draw(box.text, in: f, colour: planned.inOverlay ? palette.accent : palette.accent, rng: &rng, on: surface)
            return
        }
        let siblings = planned.parent.map { plan.children(of: $0).filter { plan.layout.boxes[$0].kind == .textLine } } ?? []
        let isTitle = siblings.first == index || siblings.isEmpty && f.height >= height * 0.02
        let ink = onGround.luma > 128 ? (isTitle ? palette.text : palette.secondaryText) : (isTitle ? .white : Colour(200, 200, 205))
        let lightInk = palette.theme == .dark && onGround.luma < 128 ? (isTitle ? palette.text : palette.secondaryText) : ink
        GlyphText.draw(box.text, in: f, colour: lightInk, alignment: planned.inOverlay ? .centre : .leading,
                       weight: isTitle ? 1.4 : 1, keep: rng.uniform(isTitle ? 0.75...1 : 0.55...1), rng: &rng, on: surface)
    }

    /// Pictures at the top of a card follow the card's corners; others get small corners.
    private func imageRadius(_ index: Int, _ f: Frame) -> Double {
        if let parent = plan.boxes[index].parent, plan.layout.boxes[parent].kind == .card { return radius }
        if f.width >= width * 0.98 { return 0 }
        return radius * 0.7
    }
}
