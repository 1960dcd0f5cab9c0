/// Prompt, negative prompt and the anomaly picker.
enum ComposeView {
    static func draw(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let negativeHeight = max(4, rect.height / 5)
        let pickerHeight = max(7, rect.height * 2 / 5)
        let promptHeight = rect.height - negativeHeight - pickerHeight
        let (promptRect, rest) = rect.splitTop(promptHeight)
        let (negativeRect, pickerRect) = rest.splitTop(negativeHeight)

        let promptFocused = state.composeField == .prompt
        context.frame(&screen, promptRect, title: "Prompt  (\(CellWidth.of(state.prompt.text)) cols, \(state.prompt.text.count) chars)", focused: promptFocused)
        TextFieldView.draw(state.prompt, in: promptRect.inset.insetHorizontally, focused: promptFocused,
                           placeholder: "Describe the scene; Tab moves to the anomaly picker to insert a template.",
                           on: &screen, context)

        let negativeFocused = state.composeField == .negative
        context.frame(&screen, negativeRect, title: "Negative prompt", focused: negativeFocused)
        TextFieldView.draw(state.negativePrompt, in: negativeRect.inset.insetHorizontally, focused: negativeFocused,
                           placeholder: "What to avoid (used when guidance > 0).", on: &screen, context)

        let pickerFocused = state.composeField == .anomaly
        let b = context.bindings
        context.frame(&screen, pickerRect, title: "Anomaly  (\(b.label(.select)) insert English, \(b.label(.insertChinese)) Chinese)", focused: pickerFocused)
        let inner = pickerRect.inset
        let (listRect, detailRect) = inner.splitLeft(min(30, inner.width / 3))
        let names = state.catalog.anomalyTypes.map(\.id)
        context.list(&screen, listRect, items: names, selected: state.anomalyIndex, focused: pickerFocused)
        if let anomaly = state.selectedAnomaly {
            var lines = [anomaly.name, anomaly.description, "EN: " + anomaly.promptEN, "ZH: " + anomaly.promptZH,
                         "Agent should: " + anomaly.expectedActionDescription]
            lines = lines.flatMap { wrap($0, width: detailRect.width) }
            for (i, line) in lines.prefix(detailRect.height).enumerated() {
                screen.put(line, x: detailRect.x, y: detailRect.y + i, style: context.theme[i == 0 ? .title : .normal], maxX: detailRect.maxX)
            }
        }
    }

    /// Greedy wrap by display width (CJK lines break anywhere).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 1 else { return [] }
        var editor = TextEditor(text: text)
        editor.moveLineStart()
        let rows = editor.wrappedRows(width: width + 1)
        return rows.map { editor.string(of: $0) }
    }
}

extension Rect {
    /// One column of padding left and right.
    var insetHorizontally: Rect { Rect(x: x + 1, y: y, width: width - 2, height: height) }
}
