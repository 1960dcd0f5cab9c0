import ArgumentParser

@main
struct SceneForge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sceneforge",
        abstract: "Design and generate anomaly scenes of phone apps with diffusion models.",
        subcommands: [WorkbenchCommand.self, Doctor.self, Generate.self, Show.self, Render.self, Batch.self, Catalog.self, Engine.self, Train.self, Eval.self],
        defaultSubcommand: WorkbenchCommand.self)
}
