import ArgumentParser

@main
struct SceneForge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sceneforge",
        abstract: "Design and generate anomaly scenes of phone apps with diffusion models.",
        subcommands: [Doctor.self, Generate.self, Show.self, Train.self],
        defaultSubcommand: Doctor.self)
}
