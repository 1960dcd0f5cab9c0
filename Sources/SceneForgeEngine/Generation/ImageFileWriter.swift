import Foundation

/// Writes binary PPM (P6) images, atomically (a temporary file, then rename).
/// PPM for now: PNG writing lives in SceneForgeImaging, which is being written in parallel; the engine
/// switches to PNG (with the record in text chunks) when it lands — only `ImageFileWriter.write` changes.
public enum ImageFileWriter {
    public static func write(_ image: RGBImage, to path: String) throws {
        guard image.width > 0, image.height > 0, image.pixels.count == image.width * image.height * 3 else {
            throw EngineError("\(path): cannot write a \(image.width)x\(image.height) image from \(image.pixels.count) bytes")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw EngineError("\(directory.path): cannot create the output folder: \(error.localizedDescription)")
        }
        var data = Data("P6\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.pixels)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw EngineError("\(path): cannot write the image: \(error.localizedDescription)")
        }
    }

    /// Reads back a P6 file written by `write` (tests, tools).
    public static func readPPM(_ path: String) throws -> RGBImage {
        guard let data = FileManager.default.contents(atPath: path) else { throw EngineError("\(path): cannot read") }
        var fields: [String] = []
        var index = data.startIndex
        while fields.count < 4, index < data.endIndex {
            while index < data.endIndex, data[index] == 0x20 || data[index] == 0x0A { index += 1 }
            var token = ""
            while index < data.endIndex, data[index] != 0x20, data[index] != 0x0A {
                token.append(Character(UnicodeScalar(data[index])))
                index += 1
            }
            fields.append(token)
        }
        index += 1
        guard fields.count == 4, fields[0] == "P6", let width = Int(fields[1]), let height = Int(fields[2]),
              fields[3] == "255", width > 0, height > 0, data.endIndex - index == width * height * 3 else {
            throw EngineError("\(path): not a binary PPM written by SceneForge")
        }
        return RGBImage(width: width, height: height, pixels: [UInt8](data[index...]))
    }
}
