import Foundation

/// Typed access to a parsed JSON object, with errors that name the file and the field path.
struct JSONFields {
    let object: [String: Any]
    let file: String
    let path: String

    static func load(_ url: URL) throws -> JSONFields {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TextError.invalidTokenizerFile(file: url.path, problem: "cannot read file (\(error.localizedDescription))")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw TextError.invalidTokenizerFile(file: url.path, problem: "not valid JSON (\(error.localizedDescription))")
        }
        guard let object = parsed as? [String: Any] else {
            throw TextError.invalidTokenizerFile(file: url.path, problem: "top level is not a JSON object")
        }
        return JSONFields(object: object, file: url.path, path: "")
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String, _ problem: String) -> TextError {
        TextError.invalidTokenizerFile(file: file, problem: "\(name(key)) \(problem)")
    }

    func isNull(_ key: String) -> Bool { object[key] == nil || object[key] is NSNull }

    func object(_ key: String) throws -> JSONFields {
        guard let value = object[key] as? [String: Any] else { throw fail(key, "is missing or not an object") }
        return JSONFields(object: value, file: file, path: name(key))
    }

    func optionalObject(_ key: String) throws -> JSONFields? {
        if isNull(key) { return nil }
        return try object(key)
    }

    func string(_ key: String) throws -> String {
        guard let value = object[key] as? String else { throw fail(key, "is missing or not a string") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        if isNull(key) { return nil }
        return try string(key)
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        if isNull(key) { return fallback }
        guard let value = object[key] as? Bool else { throw fail(key, "is not a boolean") }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let value = object[key] as? Int else { throw fail(key, "is missing or not an integer") }
        return value
    }

    func array(_ key: String) throws -> [Any] {
        guard let value = object[key] as? [Any] else { throw fail(key, "is missing or not an array") }
        return value
    }

    /// The elements of an array of objects.
    func objects(_ key: String) throws -> [JSONFields] {
        try array(key).enumerated().map { index, element in
            guard let value = element as? [String: Any] else { throw fail("\(key)[\(index)]", "is not an object") }
            return JSONFields(object: value, file: file, path: name("\(key)[\(index)]"))
        }
    }
}
