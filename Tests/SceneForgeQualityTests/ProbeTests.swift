import Foundation
import SceneForgeQuality
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeImaging
import Testing

struct ProbeTests {
    @Test func probeInstrument() throws {
        let catalog = try SceneCatalog.builtIn()
        let inst = try #require(SharedInstrument.instrument)
        var row: [[RGBAImage]] = []
        for id in ["full_page_loading", "network_error", "top_banner", "toast", "floating_banner", "duplicate_items"] {
            let layout = try #require(catalog.layout(id: id))
            var imgs: [RGBAImage] = []
            for style in AppStyle.builtIn.prefix(6) {
                var img = try ScreenRenderer(style: style).render(layout, seed: 555, width: 128, height: 256)
                let found = try inst.detector.detect(img, anomalyType: layout.anomalyType)
                let gt = AnomalyRegionDetector.target(layout, width: 128, height: 256)
                func outline(_ r: PixelRect, _ c: (UInt8, UInt8, UInt8)) {
                    for y in max(0, r.y)..<min(256, r.maxY) { for x in max(0, r.x)..<min(128, r.maxX) where y == r.y || y == r.maxY - 1 || x == r.x || x == r.maxX - 1 {
                        img.pixels[(y*128+x)*4] = c.0; img.pixels[(y*128+x)*4+1] = c.1; img.pixels[(y*128+x)*4+2] = c.2 } }
                }
                gt.forEach { outline($0, (0, 255, 0)) }
                found.forEach { outline($0, (255, 0, 255)) }
                imgs.append(img)
            }
            row.append(imgs)
        }
        try PNGFile.write(try ContactSheet.make(row), record: nil, to: URL(fileURLWithPath: "/tmp/probe.png"))
    }
}
