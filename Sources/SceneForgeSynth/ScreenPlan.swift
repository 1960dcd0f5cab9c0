import SceneForgeScenes

/// What the painter needs to know about one box besides the box itself: its container, whether
/// it belongs to a floating anomaly element, and the key its random content is drawn from.
struct PlannedBox {
    let box: LayoutBox
    /// Index (into the layout's boxes) of the container holding this one: the highest in z, then the smallest.
    let parent: Int?
    /// Inside a dialog, sheet, banner or toast (drawn in their colours, skipped with them).
    let inOverlay: Bool
    /// Position among the buttons of the same container (0 = the primary one).
    let buttonRank: Int
}

/// The structure of a layout, worked out once per render: containment and content keys.
struct ScreenPlan {
    let layout: Layout
    let boxes: [PlannedBox]
    /// Indices into `layout.boxes`, bottom to top.
    let order: [Int]

    static let containers: Set<BoxKind> = [.listItem, .card, .dialog, .sheet, .banner, .toast]
    static let overlays: Set<BoxKind> = [.dialog, .sheet, .banner, .toast]

    init(_ layout: Layout) {
        self.layout = layout
        let all = layout.boxes
        order = all.indices.sorted { (all[$0].z, $0) < (all[$1].z, $1) }
        var drawRank = [Int](repeating: 0, count: all.count)
        for (rank, index) in order.enumerated() { drawRank[index] = rank }

        var parents = [Int?](repeating: nil, count: all.count)
        for (i, box) in all.enumerated() {
            var best: Int?
            for (j, other) in all.enumerated() where j != i && Self.containers.contains(other.kind) {
                // A container holds the boxes drawn after it that lie inside it.
                // The topmost one wins: a dialog title lies inside a list item beneath the
                // dialog too, but it belongs to the dialog. Among equals, the smaller one.
                guard drawRank[j] < drawRank[i], other.rect.contains(box.rect) else { continue }
                if let b = best, all[b].z > other.z || (all[b].z == other.z && all[b].rect.area <= other.rect.area) { continue }
                best = j
            }
            parents[i] = best
        }
        var planned: [PlannedBox] = []
        var buttonsSeen: [Int: Int] = [:]
        for (i, box) in all.enumerated() {
            var inOverlay = false
            var cursor = parents[i]
            while let p = cursor {
                if Self.overlays.contains(all[p].kind) { inOverlay = true }
                cursor = parents[p]
            }
            var rank = 0
            if box.kind == .button {
                let key = parents[i] ?? -1
                rank = buttonsSeen[key, default: 0]
                buttonsSeen[key] = rank + 1
            }
            planned.append(PlannedBox(box: box, parent: parents[i], inOverlay: inOverlay, buttonRank: rank))
        }
        boxes = planned
    }

    /// The key a box's random content comes from. Boxes inside a list item or card key off their
    /// container and their place in it, so two containers with the same key (a duplicated entry)
    /// come out pixel-identical. `duplicates` makes anomalous list items key off their text.
    func contentKey(_ index: Int, duplicates: Bool) -> UInt64 {
        let box = layout.boxes[index]
        if box.kind == .listItem && box.isAnomaly && duplicates {
            return StableHash.of("duplicate/" + (box.text ?? ""))
        }
        guard let parent = boxes[index].parent, !Self.overlays.contains(layout.boxes[parent].kind) else {
            return StableHash.of("box/" + box.id)
        }
        let outer = layout.boxes[parent].rect
        let relative = [box.rect.x - outer.x, box.rect.y - outer.y, box.rect.w, box.rect.h]
            .map { String(Int(($0 * 1000).rounded())) }.joined(separator: ",")
        return StableHash.combine(contentKey(parent, duplicates: duplicates), StableHash.of(box.kind.rawValue + "/" + relative))
    }

    /// Children of `index`, in drawing order.
    func children(of index: Int) -> [Int] { order.filter { boxes[$0].parent == index } }
}
