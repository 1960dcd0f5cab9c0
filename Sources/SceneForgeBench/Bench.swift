import ArgumentParser

/// `sceneforge-bench SUBCOMMAND`: each benchmark prints its figures and a ratio against a reference run.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sceneforge-bench",
        abstract: "SceneForge benchmarks; each prints a ratio against a reference measured in the same run.",
        subcommands: [ShimBench.self, RasterBench.self, ThumbnailBench.self, ZImageBench.self, LatentFitBench.self, RenderBench.self, EngineBench.self, EngineEventCostBench.self])
}
