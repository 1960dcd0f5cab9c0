import Foundation
import SceneForgeQuality
import SceneForgeScenes
import Testing

struct ProbeTests {
    @Test func probeInstrument() throws {
        let t = Date()
        let inst = try QualityInstrument.train(layouts: try SceneCatalog.builtIn().layouts)
        print("time", Date().timeIntervalSince(t))
        let f = inst.selfCheck
        print("anomaly", f.anomalyRecognition, "theme", f.themeRecognition, "div", f.diversity, "worst", f.worstAdherence, "mean", f.meanAdherence)
    }
}
