import Foundation

/// Model, seed, steps, size, guidance and batch count.
enum ParametersView {
    static func draw(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        context.frame(&screen, rect, title: "Parameters  (up/down choose, left/right change, enter edit)", focused: true)
        let inner = rect.inset.insetHorizontally
        let preset = state.sizePreset
        let seedFlags = (state.randomSeed ? "random each job" : "fixed") + (state.seedLocked ? ", locked" : "")
        let values: [(AppState.ParameterField, String, String)] = [
            (.model, "Model", state.model.isEmpty ? "(none: enter to type a model folder)" : state.model),
            (.seed, "Seed", "\(state.seed)  [\(seedFlags)]"),
            (.steps, "Steps", "\(state.steps)"),
            (.size, "Size", preset == .modelsOwn ? preset.label : "\(preset.name)  \(preset.label)"),
            (.guidance, "Guidance", String(format: "%.1f", state.guidance)),
            (.batch, "Batch count", "\(state.batchCount)"),
        ]
        for (row, (field, name, value)) in values.enumerated() {
            let y = inner.y + row * 2
            guard y < inner.maxY else { break }
            let selected = field == state.parameterField
            let style = context.theme[selected ? .selection : .normal]
            screen.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: style)
            screen.put((selected ? "> " : "  ") + name, x: inner.x, y: y, style: style)
            if selected, let editor = state.fieldEditor {
                TextFieldView.draw(editor, in: Rect(x: inner.x + 16, y: y, width: inner.width - 16, height: 1), focused: true,
                                   placeholder: "", on: &screen, context)
            } else {
                screen.put(value, x: inner.x + 16, y: y, style: style, maxX: inner.maxX)
            }
        }
        let b = context.bindings
        let help = [
            "\(b.label(.toggleRandomSeed)) random seed on/off   \(b.label(.rerollSeed)) new seed now   \(b.label(.lockSeed)) lock the seed",
            "Sizes: phone portrait first; the small ones suit CPU runs.",
            "Engine: \(state.engineDescription)",
            "Model loaded: \(state.modelDescription ?? "none yet (the first job loads it)")",
        ]
        for (i, line) in help.enumerated() where inner.maxY - help.count + i > inner.y + values.count * 2 {
            screen.put(line, x: inner.x, y: inner.maxY - help.count + i, style: context.theme[.muted], maxX: inner.maxX)
        }
    }
}
