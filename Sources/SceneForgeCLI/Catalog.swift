import ArgumentParser
import Foundation
import SceneForgeBatch

/// `sceneforge catalog`: look into, export and merge batch catalogs.
struct Catalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, export and merge the SQLite catalogs batches write.",
        subcommands: [List.self, ShowEntry.self, Export.self, Merge.self])

    /// A folder means its `catalog.sqlite`.
    static func catalogURL(_ path: String) -> URL {
        var isFolder: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            return url.appendingPathComponent("catalog.sqlite")
        }
        return url
    }

    static func fail(_ command: String, _ error: Error) -> ExitCode {
        FileHandle.standardError.write(Data("sceneforge catalog \(command): \(error)\n".utf8))
        return ExitCode.failure
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per image: id, scene, seed, anomaly type, size, file.")
        @Option(help: "A catalog file, or a batch output folder.") var catalog = "."

        func run() async throws {
            do {
                let catalog = try BatchCatalog(url: Catalog.catalogURL(self.catalog), readOnly: true)
                for e in try catalog.entries() {
                    let r = e.record
                    print("\(e.id)  \(e.scene)  seed \(r.seed)  \(r.anomalyType ?? "-")  \(r.width)x\(r.height)  \(e.imagePath)")
                }
            } catch { throw Catalog.fail("list", error) }
        }
    }

    struct ShowEntry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The full record of one image (an id or a unique prefix).")
        @Argument(help: "The image id, or a prefix of it.") var id: String
        @Option(help: "A catalog file, or a batch output folder.") var catalog = "."

        func run() async throws {
            do {
                let catalog = try BatchCatalog(url: Catalog.catalogURL(self.catalog), readOnly: true)
                let matches = try catalog.entries(idPrefix: id)
                guard matches.count == 1, let entry = matches.first else {
                    throw ValidationError(matches.isEmpty ? "no image with id '\(id)'" : "'\(id)' matches \(matches.count) images; give more of the id")
                }
                print("file: \(catalog.imageURL(of: entry).path)")
                print("sha256: \(entry.contentHash)")
                print(String(decoding: try entry.record.jsonData(pretty: true), as: UTF8.self))
            } catch { throw Catalog.fail("show", error) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every record as JSON lines, CSV or a COCO detection file.")
        @Option(help: "A catalog file, or a batch output folder.") var catalog = "."
        @Option(help: "jsonl, csv or coco.") var format = "jsonl"
        @Option(name: .shortAndLong, help: "Write here instead of stdout.") var output: String?

        func run() async throws {
            do {
                guard let format = CatalogExportFormat(rawValue: format) else {
                    throw ValidationError("--format must be jsonl, csv or coco (got \(format))")
                }
                let catalog = try BatchCatalog(url: Catalog.catalogURL(self.catalog), readOnly: true)
                let text = try CatalogExport.render(try catalog.entries(), format: format)
                if let output {
                    try AtomicFile.write(Array(text.utf8), to: URL(fileURLWithPath: output))
                } else {
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            } catch { throw Catalog.fail("export", error) }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join shard catalogs into one (idempotent: rows already there are skipped).")
        @Argument(help: "The catalog to merge into (created if missing; a folder means its catalog.sqlite).") var out: String
        @Argument(help: "Catalogs to merge (files or batch output folders).") var sources: [String]

        func run() async throws {
            do {
                guard !sources.isEmpty else { throw ValidationError("give at least one source catalog") }
                let target = try BatchCatalog(url: Catalog.catalogURL(out))
                for source in sources {
                    let url = Catalog.catalogURL(source)
                    guard url.standardizedFileURL.path != target.url.standardizedFileURL.path else {
                        throw ValidationError("\(source) is the catalog being merged into")
                    }
                    let result = try target.merge(from: BatchCatalog(url: url, readOnly: true))
                    FileHandle.standardError.write(Data("\(source): \(result.added) added, \(result.alreadyPresent) already present\n".utf8))
                }
            } catch { throw Catalog.fail("merge", error) }
        }
    }
}
