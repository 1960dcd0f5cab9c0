import SceneForgeQuality
import SceneForgeScenes

/// One instrument trained on renderer output (seeds 1, 2) and checked on held-out seed 101, shared by the
/// tests so training runs once per test process.
enum SharedInstrument {
    static let catalog: SceneCatalog? = try? SceneCatalog.builtIn()
    static let instrument: QualityInstrument? = catalog.flatMap { try? QualityInstrument.train(layouts: $0.layouts) }
}
