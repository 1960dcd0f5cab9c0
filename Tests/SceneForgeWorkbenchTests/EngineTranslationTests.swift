import Foundation
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeScenes
import Testing
@testable import SceneForgeWorkbench

/// The adapter's mapping, checked against the engine's own codec: what the workbench sends must parse
/// as the engine parses it, and what the engine sends must reach the screen.
@Suite struct EngineTranslationTests {
    private func decode(_ json: String) throws -> EngineEvent {
        try ProtocolCodec.makeDecoder().decode(EngineEvent.self, from: Data(json.utf8))
    }

    @Test func aRequestBecomesASubmitTheEngineParsesWithEveryField() throws {
        let catalog = try SceneCatalog.builtIn()
        let layout = try #require(catalog.layouts.first { $0.anomalyType == "toast" })
        let request = JobRequest(prompt: "屏幕中央弹出优惠券 coupon", negativePrompt: "blurry", model: "scheduled-noise", seed: 99,
                                 steps: 6, width: 96, height: 64, guidance: 1.5, layoutID: layout.id, layout: layout,
                                 controlStrength: 0.7, anomalyType: "toast", output: "/tmp/out/a.png")
        let line = try ProtocolCodec.encodeLine(RequestLine(id: "s1", .submit(EngineTranslation.spec(request, id: "job-3"))))
        // The engine's parser, not ours, reads it back.
        let parsed = try ProtocolCodec.decodeRequest(line.dropLast())
        guard case .submit(let spec) = parsed.request else { Issue.record("not a submit: \(parsed)"); return }
        #expect(spec.id == "job-3" && spec.prompt == request.prompt && spec.negativePrompt == "blurry")
        #expect(spec.width == 96 && spec.height == 64 && spec.steps == 6 && spec.guidance == 1.5 && spec.seed == 99)
        #expect(spec.model == "scheduled-noise" && spec.output == "/tmp/out/a.png")
        #expect(spec.previewIntervalMs == EngineTranslation.previewIntervalMs)
        let extras = try #require(spec.extras)
        #expect(extras["layout_id"]?.stringValue == layout.id)
        #expect(extras["anomaly_type"]?.stringValue == "toast")
        #expect(extras["control_strength"]?.doubleValue == 0.7)
        #expect(extras["style"] == nil && extras["style_scale"] == nil)
        // The layout goes whole, as a layout file's text, and the engine's conditioning reads back the same layout.
        let text = try #require(extras["layout_toml"]?.stringValue)
        var sentLayout = try catalog.parseLayout(text: text, displayName: "sent")
        sentLayout.source = layout.source
        #expect(sentLayout == layout)
        #expect(try ImageConditioning(extras: extras).layout?.layout.boxes == layout.boxes)
        #expect(extras["control_region"] == nil && extras["control_outside"] == nil)

        // The control within the anomaly region: the picker's layout is the control, and the region is its own.
        var regional = request
        regional.controlOutside = 0.5
        let regionalExtras = try #require(EngineTranslation.extras(regional))
        let conditioning = try ImageConditioning(extras: regionalExtras)
        #expect(conditioning.control == layout.id && conditioning.controlScale == 0.7)
        #expect(conditioning.controlRegion == "from-layout" && conditioning.controlOutside == 0.5)
        regional.controlOutside = 1
        #expect(EngineTranslation.extras(regional)?["control_region"] == nil)
    }

    @Test func aThumbnailPreviewBecomesAnOpaqueImage() throws {
        let rgb: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]
        let event = try decode(#"{"type":"preview","job":"a","step":2,"kind":"thumbnail","width":3,"height":2,"encoding":"rgb8","data":"\#(Data(rgb).base64EncodedString())"}"#)
        guard case .preview(let job, let image)? = EngineTranslation.update(.engine(event)) else {
            Issue.record("no preview update"); return
        }
        #expect(job == "a" && image.width == 3 && image.height == 2)
        #expect(image.pixels[0..<8] == [255, 0, 0, 255, 0, 255, 0, 255])
        #expect(image.pixels[20..<24] == [70, 80, 90, 255])
    }

    @Test func aBrokenOrFullPreviewIsDroppedNotShown() throws {
        let short = try decode(#"{"type":"preview","job":"a","step":1,"kind":"thumbnail","width":3,"height":2,"encoding":"rgb8","data":"AAAA"}"#)
        let notBase64 = try decode(#"{"type":"preview","job":"a","step":1,"kind":"thumbnail","width":1,"height":1,"encoding":"rgb8","data":"!!!"}"#)
        let full = try decode(#"{"type":"preview","job":"a","step":1,"kind":"full","width":720,"height":1440,"encoding":"ppm","path":"/tmp/a.ppm"}"#)
        for event in [short, notBase64, full] { #expect(EngineTranslation.update(.engine(event)) == nil) }
        #expect(throws: EngineError.self) { if case .preview(let p) = notBase64 { _ = try EngineTranslation.image(p) } }
    }

    @Test func aCPUMemorySampleHasNoGPUFiguresAndShowsNoGPU() throws {
        let event = try decode(#"{"type":"memory","process":{"rss_bytes":209715200,"peak_rss_bytes":300000000},"system":{"total_bytes":25769803776,"available_bytes":17179869184}}"#)
        guard case .memory(let reading, let history)? = EngineTranslation.update(.engine(event)) else {
            Issue.record("no memory update"); return
        }
        #expect(history)
        #expect(reading.deviceUsed == nil && reading.deviceTotal == nil && reading.allocated == nil && reading.reserved == nil)
        #expect(reading.ramUsed == 8 << 30 && reading.ramTotal == 24 << 30 && reading.processRSS == 200 << 20)
        var history2 = MemoryHistory()
        history2.append(reading)
        var screen = ScreenBuffer(width: 100, height: 8)
        MemoryPanel.draw(history2, in: Rect(x: 0, y: 0, width: 100, height: 8), on: &screen,
                         RenderContext(theme: .fallback, colorDepth: .none, images: nil, bindings: try KeyBindings()))
        #expect(screen.text.contains("VRAM  n/a (no GPU)"))
        #expect(screen.text.contains("RAM   8.0 GiB / 24.0 GiB"))
        #expect(screen.text.contains("engine RSS 200 MiB"))
    }

    @Test func aGPUMemorySampleAfterAStepIsShownButNotGraphed() throws {
        let event = try decode(#"""
            {"type":"memory","job":"a","step":3,
             "gpus":[{"index":0,"name":"H100","used_bytes":15000000000,"total_bytes":85000000000,"free_bytes":70000000000},
                     {"index":1,"name":"H100","used_bytes":1,"total_bytes":2,"free_bytes":1}],
             "allocator":[{"device":0,"allocated_bytes":1000,"reserved_bytes":3000,"peak_allocated_bytes":2000},
                          {"device":1,"allocated_bytes":10,"reserved_bytes":30,"peak_allocated_bytes":20}]}
            """#)
        guard case .memory(let reading, let history)? = EngineTranslation.update(.engine(event)) else {
            Issue.record("no memory update"); return
        }
        #expect(!history)
        #expect(reading.deviceUsed == 15_000_000_000 && reading.deviceTotal == 85_000_000_000)
        #expect(reading.allocated == 1010 && reading.reserved == 3030)
        #expect(reading.ramTotal == nil && reading.processRSS == nil)
        var wb = Workbench(state: AppState(catalog: try SceneCatalog.builtIn(), outputDirectory: URL(fileURLWithPath: "/tmp"),
                                           stylesDirectory: URL(fileURLWithPath: "/tmp"), userLayoutsDirectory: URL(fileURLWithPath: "/tmp")),
                           bindings: try KeyBindings())
        wb.apply(.memory(reading, history: history))
        #expect(wb.state.memory.latest == reading && wb.state.memory.samples.isEmpty)
    }

    @Test func aFailureTheClientReportsForADeadEngineKeepsItsLog() throws {
        // The client adds `engine_log` when the engine died (the exit itself is tested with a real kill).
        let failed = try decode(#"{"type":"failed","job":"job-2","message":"the engine stopped (signal 9)","engine_log":["loading model","step 3"]}"#)
        #expect(EngineTranslation.update(.engine(failed)) == .failed(job: "job-2", message: "the engine stopped (signal 9)",
                                                                      log: ["loading model", "step 3"]))
    }

    @Test func aRefusedSubmitFailsItsJobAndOtherRefusalsAreNotices() throws {
        let refused = try decode(#"{"type":"error","code":"model_unavailable","message":"field 'job.model': model 'x' not found","job":"job-1","reply_to":"submit-2"}"#)
        #expect(EngineTranslation.update(.engine(refused)) == .failed(job: "job-1", message: "refused by the engine: field 'job.model': model 'x' not found", log: []))
        let other = try decode(#"{"type":"error","code":"malformed_json","message":"not JSON"}"#)
        #expect(EngineTranslation.update(.engine(other)) == .notice("The engine refused a request: not JSON"))
    }

    @Test func theRecordListsSimpleFieldsBeforeNestedOnes() throws {
        let event = try decode(#"{"type":"done","job":"a","outputs":["/o/a.ppm"],"seconds":0.1,"record":{"extras":{"layout_id":"x"},"prompt":"弹窗","seed":7,"sigmas":[1,0]}}"#)
        guard case .done(_, let outputs, let record?)? = EngineTranslation.update(.engine(event)) else {
            Issue.record("no done update with a record"); return
        }
        #expect(outputs == ["/o/a.ppm"])
        let text = record.joined(separator: "\n")
        let prompt = try #require(text.range(of: "\"prompt\" : \"弹窗\""))
        let extras = try #require(text.range(of: "\"extras\""))
        #expect(prompt.lowerBound < extras.lowerBound)
        // Still one JSON document.
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?["seed"] as? Int == 7 && parsed?.count == 4)
    }
}
