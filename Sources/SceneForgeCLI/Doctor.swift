import ArgumentParser

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report what SceneForge finds on this machine.")
    func run() async throws {
        print("sceneforge doctor: not yet implemented")
    }
}
