import Foundation

/// Why a model's `config.json` was refused: the file, the field (dotted path) and the problem.
public struct ModelConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let field: String
    public let problem: String

    public init(file: String, field: String, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        field.isEmpty ? "\(file): \(problem)" : "\(file): field '\(field)': \(problem)"
    }
}

/// A field that decoded but holds a value the model cannot use; `ModelConfigFile` adds the file name.
struct ConfigFieldError: Error {
    let field: String
    let problem: String
}

/// Reads a model's `config.json` (diffusers or transformers) into a `Decodable` configuration,
/// turning every decoding failure into a `ModelConfigError` that names the file and the field.
public enum ModelConfigFile {
    public static func load<Config: Decodable>(_ type: Config.Type, contentsOf url: URL) throws -> Config {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelConfigError(file: url.path, field: "", problem: "cannot read the file: \(error.localizedDescription)")
        }
        return try decode(type, from: data, file: url.path)
    }

    public static func decode<Config: Decodable>(_ type: Config.Type, from data: Data, file: String) throws -> Config {
        func path(_ codingPath: [CodingKey]) -> String {
            codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as ConfigFieldError {
            throw ModelConfigError(file: file, field: error.field, problem: error.problem)
        } catch DecodingError.keyNotFound(let key, let context) {
            throw ModelConfigError(file: file, field: path(context.codingPath + [key]), problem: "missing")
        } catch DecodingError.typeMismatch(let expected, let context) {
            throw ModelConfigError(file: file, field: path(context.codingPath), problem: "expected \(expected)")
        } catch DecodingError.valueNotFound(let expected, let context) {
            throw ModelConfigError(file: file, field: path(context.codingPath), problem: "is null, expected \(expected)")
        } catch DecodingError.dataCorrupted(let context) {
            let field = path(context.codingPath)
            throw ModelConfigError(file: file, field: field,
                                   problem: field.isEmpty ? "not valid JSON (\(context.debugDescription))" : context.debugDescription)
        } catch {
            throw ModelConfigError(file: file, field: "", problem: "\(error)")
        }
    }
}
