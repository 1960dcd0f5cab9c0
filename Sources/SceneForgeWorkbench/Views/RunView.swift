import Foundation

/// The queue, the running job's progress and preview, and the memory panel.
enum RunView {
    static func draw(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let memoryHeight = 8
        let (top, memoryRect) = rect.splitTop(rect.height - memoryHeight)
        let previewWidth = min(max(20, top.width / 3), 40)
        let (left, previewRect) = top.splitLeft(top.width - previewWidth, gap: 0)
        // A failure gets room for its message and the engine's last log lines.
        let progressHeight = state.runningJob == nil && state.shownFailure != nil ? min(10, max(5, left.height / 2)) : 5
        let (progressRect, queueRect) = left.splitTop(progressHeight)
        drawProgress(state, in: progressRect, on: &screen, context)
        drawQueue(state, in: queueRect, on: &screen, context)
        drawPreview(state, in: previewRect, on: &screen, context)
        MemoryPanel.draw(state.memory, in: memoryRect, on: &screen, context)
    }

    private static func drawProgress(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let inner = rect.inset.insetHorizontally
        if state.runningJob == nil, let failed = state.shownFailure, case .failed(let message) = failed.status {
            context.frame(&screen, rect, title: "Failed", focused: false)
            drawFailure(failed, message: message, in: inner, on: &screen, context)
            return
        }
        // The running job, else the last one done (so its final n/n stays on screen).
        let job = state.runningJob ?? state.jobs.last { $0.status == .done }
        context.frame(&screen, rect, title: state.runningJob != nil ? "Running" : "Last done", focused: state.runningJob != nil)
        guard let job else {
            screen.put(state.jobs.isEmpty ? "Nothing yet: compose a scene and press \(context.bindings.label(.run))." : "Idle.",
                       x: inner.x, y: inner.y, style: context.theme[.muted], maxX: inner.maxX)
            return
        }
        let fraction = job.totalSteps > 0 ? Double(job.step) / Double(job.totalSteps) : 0
        let label = " step \(job.step)/\(job.totalSteps)"
        let barWidth = max(5, inner.width - CellWidth.of(label))
        let filled = Int((fraction * Double(barWidth)).rounded())
        screen.put(String(repeating: context.unicode ? "█" : "#", count: filled), x: inner.x, y: inner.y, style: context.theme[.progressDone])
        screen.put(String(repeating: context.unicode ? "░" : ".", count: barWidth - filled), x: inner.x + filled, y: inner.y, style: context.theme[.progressTodo])
        screen.put(label, x: inner.x + barWidth, y: inner.y, style: context.theme[.normal])
        let timing = job.status == .done
            ? String(format: "%.2f s/step   done in %@", job.secondsPerStep, Gauge.seconds(job.elapsed))
            : String(format: "%.2f s/step   elapsed %@   ETA %@", job.secondsPerStep, Gauge.seconds(job.elapsed), Gauge.seconds(job.eta))
        screen.put(timing, x: inner.x, y: inner.y + 1, style: context.theme[.normal], maxX: inner.maxX)
        let layout = job.request.layoutID.map { "layout \($0)  " } ?? ""
        let size = SizePreset.dimensions(width: job.request.width, height: job.request.height) ?? "model's size"
        screen.put(CellWidth.truncate("\(job.id)  seed \(job.request.seed)  \(size)  \(layout)\(job.request.prompt)", to: inner.width),
                   x: inner.x, y: inner.y + 2, style: context.theme[.muted], maxX: inner.maxX)
    }

    private static func drawFailure(_ job: JobEntry, message: String, in inner: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        var y = inner.y
        for part in ComposeView.wrap("\(job.id) failed: \(message)", width: inner.width) where y < inner.maxY {
            screen.put(part, x: inner.x, y: y, style: context.theme[.error], maxX: inner.maxX)
            y += 1
        }
        let log = job.log.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !log.isEmpty, y < inner.maxY else { return }
        screen.put("engine log:", x: inner.x, y: y, style: context.theme[.muted], maxX: inner.maxX)
        y += 1
        for line in log.suffix(max(0, inner.maxY - y)) {
            screen.put(CellWidth.truncate(line, to: inner.width), x: inner.x, y: y, style: context.theme[.muted], maxX: inner.maxX)
            y += 1
        }
    }

    private static func drawQueue(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        context.frame(&screen, rect, title: "Queue (\(state.unfinishedJobs.count) pending, \(state.jobs.count) in session)", focused: false)
        let inner = rect.inset
        let items = state.jobs.map { job -> String in
            var line = "\(job.status.label.padding(toLength: 10, withPad: " ", startingAt: 0)) \(job.id)  seed \(job.request.seed)"
            if case .failed(let message) = job.status { line += "  " + message }
            if job.status == .done, let out = job.outputs.first { line += "  → " + URL(fileURLWithPath: out).lastPathComponent }
            return line
        }
        context.list(&screen, inner, items: items, selected: state.selectedJob, focused: true)
        for (row, job) in state.jobs.enumerated() where row < inner.height {
            if case .failed = job.status, state.jobs.count <= inner.height {
                screen.restyle(Rect(x: inner.x + 1, y: inner.y + row, width: 6, height: 1)) { $0 = context.theme[.error] }
            }
        }
    }

    private static func drawPreview(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        context.frame(&screen, rect, title: "Preview", focused: false)
        let inner = rect.inset
        let job = state.runningJob ?? state.jobs.last { $0.preview != nil || !$0.outputs.isEmpty }
        if let image = job?.preview {
            ThumbnailDrawing.render(image, in: inner, depth: context.colorDepth, on: &screen)
        } else if let output = job?.outputs.first, let thumbnail = context.images?.thumbnail(of: URL(fileURLWithPath: output), columns: inner.width, rows: inner.height) {
            ThumbnailDrawing.draw(thumbnail, in: inner, on: &screen)
        } else {
            screen.put("no preview", x: inner.x + 1, y: inner.y, style: context.theme[.muted], maxX: inner.maxX)
        }
    }
}

/// VRAM, the allocator and RAM as numbers and history graphs.
enum MemoryPanel {
    static func draw(_ history: MemoryHistory, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        context.frame(&screen, rect, title: "Memory (last \(Gauge.seconds(Double(history.capacity) / 2)))", focused: false)
        let inner = rect.inset.insetHorizontally
        guard let latest = history.latest else {
            screen.put("no telemetry yet", x: inner.x, y: inner.y, style: context.theme[.muted])
            return
        }
        let labelWidth = 44
        let graphWidth = max(0, inner.width - labelWidth - 1)
        let vram = latest.deviceTotal == nil ? "VRAM  n/a (no GPU)" :
            "VRAM  \(Gauge.bytes(latest.deviceUsed)) / \(Gauge.bytes(latest.deviceTotal))"
        let allocator = latest.allocated == nil ? "alloc n/a" :
            "alloc \(Gauge.bytes(latest.allocated))  reserved \(Gauge.bytes(latest.reserved))"
        let ram = "RAM   \(Gauge.bytes(latest.ramUsed)) / \(Gauge.bytes(latest.ramTotal))"
        let rss = "engine RSS \(Gauge.bytes(latest.processRSS))"
        let rows: [(String, [Double]?, ThemeRole)] = [
            (vram, history.series { ($0.deviceUsed, $0.deviceTotal) }, .graphVRAM),
            (allocator, history.series { ($0.reserved, $0.deviceTotal) }, .graphVRAM),
            (ram, history.series { ($0.ramUsed, $0.ramTotal) }, .graphRAM),
            (rss, history.series { ($0.processRSS, $0.ramTotal) }, .graphRAM),
        ]
        for (i, (label, series, role)) in rows.enumerated() where i < inner.height {
            screen.put(label, x: inner.x, y: inner.y + i, style: context.theme[.normal], maxX: inner.x + labelWidth)
            if let series, !series.isEmpty, graphWidth > 0 {
                screen.put(Gauge.sparkline(series, width: graphWidth, unicode: context.unicode), x: inner.x + labelWidth + 1, y: inner.y + i,
                           style: context.theme[role])
            }
        }
    }
}
