import ArgumentParser
import Foundation
import SceneForgeImaging

/// `sceneforge show FILE.png`: a thumbnail in the terminal, or with --info the generation record.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a PNG as a terminal thumbnail, or print its generation record (--info).")

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case auto, truecolor, ansi256 = "256", ansi16 = "16", ascii, quadrant, sextant
    }

    @Argument(help: "The PNG file.") var file: String
    @Option(help: "Width of the box in terminal columns (default: the terminal's, at most 80).") var width: Int?
    @Option(help: "Height of the box in terminal rows (default: 40).") var height: Int?
    @Option(help: "truecolor | 256 | 16 | ascii | quadrant | sextant | auto (from COLORTERM, TERM, NO_COLOR, terminfo).")
    var mode: Mode = .auto
    @Flag(help: "Floyd–Steinberg dithering for the 256- and 16-colour modes.") var dither = false
    @Flag(help: "Print the generation record instead of the image.") var info = false
    @Flag(help: "With --info: the raw JSON record.") var json = false

    func run() throws {
        do {
            let url = URL(fileURLWithPath: file)
            if info { try printInfo(url) } else { try printThumbnail(url) }
        } catch let error as ImagingError {
            fail("sceneforge show: \(error)")  // the error names the file
        } catch let error as ShowFailure {
            fail(error.message)
        }
    }

    /// One line on stderr and exit status 1.
    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(1)
    }

    private func printThumbnail(_ url: URL) throws {
        let columns = width ?? min(80, Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80)
        let rows = height ?? 40
        guard columns > 0, rows > 0 else { throw ShowFailure(message: "sceneforge show: --width and --height must be positive") }
        let image = try PNGFile.read(contentsOf: url)
        let thumbnail = try ThumbnailRenderer.render(image, columns: columns, rows: rows, options: options())
        print(thumbnail.lines.joined(separator: "\n"))
    }

    func options() -> ThumbnailOptions {
        let detected = TerminalCapabilities.detect()
        switch mode {
        case .auto: return ThumbnailOptions(symbols: .halfBlock, colors: detected, dither: dither)
        case .truecolor: return ThumbnailOptions(symbols: .halfBlock, colors: .truecolor, dither: dither)
        case .ansi256: return ThumbnailOptions(symbols: .halfBlock, colors: .palette256, dither: dither)
        case .ansi16: return ThumbnailOptions(symbols: .halfBlock, colors: .palette16, dither: dither)
        case .ascii: return ThumbnailOptions(symbols: .ascii, colors: .none)
        case .quadrant, .sextant:
            // Block modes need colour; use what the terminal has, at least 256 colours.
            let colors: ColorDepth = detected == .truecolor ? .truecolor : .palette256
            return ThumbnailOptions(symbols: mode == .quadrant ? .quadrant : .sextant, colors: colors, dither: dither)
        }
    }

    private func printInfo(_ url: URL) throws {
        let meta = try PNGFile.metadata(contentsOf: url)
        if json {
            guard let record = meta.record else {
                throw ShowFailure(message: "sceneforge show: \(file): no sceneforge record (iTXt \"sceneforge\") in this PNG")
            }
            print(String(decoding: try record.jsonData(pretty: true), as: UTF8.self))
            return
        }
        if let record = meta.record {
            print(RecordFormatter.describe(record))
        } else if let parameters = meta.parameters {
            print("(no sceneforge record; A1111 parameters)")
            print(parameters.text)
        } else if meta.text.isEmpty {
            throw ShowFailure(message: "sceneforge show: \(file): no generation record or text chunks in this PNG")
        } else {
            for (key, value) in meta.text.sorted(by: { $0.key < $1.key }) { print("\(key): \(value)") }
        }
    }
}

/// A one-line error message and a non-zero exit status.
struct ShowFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The human-readable form of a record for `show --info`.
enum RecordFormatter {
    static func describe(_ r: GenerationRecord) -> String {
        var lines: [(String, String)] = []
        func add(_ label: String, _ value: String?) { if let value, !value.isEmpty { lines.append((label, value)) } }
        add("id", r.id)
        add("prompt", r.prompt)
        add("negative prompt", r.negativePrompt)
        add("model", r.model + (r.modelHash.map { " (\($0))" } ?? ""))
        add("LoRAs", r.loras.map { "\($0.name) × \($0.weight)" }.joined(separator: ", "))
        add("seed", String(r.seed))
        add("steps", "\(r.steps), sampler \(r.sampler), guidance \(r.guidance)")
        add("size", "\(r.width)x\(r.height)")
        add("control", r.controlLayout.map { $0 + (r.controlStrength.map { " @ \($0)" } ?? "") })
        add("style", r.styleReference.map { $0 + (r.styleStrength.map { " @ \($0)" } ?? "") })
        add("anomaly", r.anomalyType)
        for box in r.anomalyBoxes { add("  box", "\(box.kind) x=\(box.x) y=\(box.y) w=\(box.width) h=\(box.height)") }
        add("expected action", r.expectedAction)
        add("quality", r.qualityScores.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        add("created", ISO8601DateFormatter().string(from: r.createdAt))
        for (k, v) in r.extra.sorted(by: { $0.key < $1.key }) { add(k, v) }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
