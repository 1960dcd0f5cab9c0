import Foundation

/// How `sceneforge engine` runs.
public struct EngineConfiguration {
    public var loader: ImageGeneratorLoader
    /// Where images go when a job names no output path, and where full-decode previews are written.
    public var outputDirectory: String
    /// Seconds between unsolicited memory events; 0 turns them off (a memory event still follows every step).
    public var memoryInterval: Double
    public var engineName: String
    /// Shortest time between two writes of events (they are batched in between); 0 writes each event at once.
    public var eventInterval: Double

    public init(loader: ImageGeneratorLoader = ZImageGeneratorLoader(),
                outputDirectory: String = FileManager.default.currentDirectoryPath,
                memoryInterval: Double = 0.5, engineName: String = "sceneforge", eventInterval: Double = 1.0 / 60) {
        self.loader = loader
        self.outputDirectory = outputDirectory
        self.memoryInterval = memoryInterval
        self.engineName = engineName
        self.eventInterval = eventInterval
    }
}
