import Foundation
import SceneForgeImaging

/// One finished image as the catalog records it.
public struct CatalogEntry: Equatable, Sendable {
    public var id: String
    /// The batch (scenario) name.
    public var batch: String
    public var jobIndex: Int
    public var scene: String
    /// Relative to the catalog's folder ("images/x.png"), so a folder can be moved whole.
    public var imagePath: String
    /// SHA-256 of the PNG file's bytes: a job is done only when the file on disk still matches it.
    public var contentHash: String
    public var record: GenerationRecord

    public init(id: String, batch: String, jobIndex: Int, scene: String, imagePath: String, contentHash: String, record: GenerationRecord) {
        self.id = id
        self.batch = batch
        self.jobIndex = jobIndex
        self.scene = scene
        self.imagePath = imagePath
        self.contentHash = contentHash
        self.record = record
    }
}
