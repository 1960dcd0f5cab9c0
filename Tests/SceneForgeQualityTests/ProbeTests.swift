import Foundation
import SceneForgeQuality
import SceneForgeScenes
import SceneForgeSynth
import Testing

struct ProbeTests {
    @Test func probeDetector() throws {
        let catalog = try SceneCatalog.builtIn()
        var t = Date()
        let train = try RendererCorpus.screens(layouts: catalog.layouts, seeds: [1, 2])
        print("render train", Date().timeIntervalSince(t)); t = Date()
        let detector = try AnomalyRegionDetector.train(on: train)
        print("train", Date().timeIntervalSince(t)); t = Date()
        let held = try RendererCorpus.screens(layouts: catalog.layouts, seeds: [101])
        var per: [String: [Double]] = [:]
        for s in held { per[s.layout.id, default: []].append(try detector.adherence(s.image, layout: s.layout)) }
        print("eval", Date().timeIntervalSince(t))
        for (k, v) in per.sorted(by: { $0.key < $1.key }) { print(k, String(format: "%.3f min %.3f", v.reduce(0, +) / Double(v.count), v.min() ?? 0)) }
    }
}
