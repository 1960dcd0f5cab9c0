import Foundation
import SafeTensors
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// Helpers for the per-component parity and loader tests (VAE, text encoder).
enum ComponentParity {
    /// Max |actual - expected| / max |expected|, the parity measure of the Z-Image notes (∞ on a shape mismatch).
    static func relativeError(_ actual: Tensor, _ expected: Tensor) throws -> Double {
        guard actual.shape == expected.shape else { return .infinity }
        let a = try actual.floats(), e = try expected.floats()
        var worst: Float = 0, scale: Float = 0
        for (x, y) in zip(a, e) {
            guard x.isFinite else { return .infinity }
            worst = max(worst, abs(x - y))
            scale = max(scale, abs(y))
        }
        return Double(worst / max(scale, .leastNormalMagnitude))
    }

    static func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-4, _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape), reference \(expected.shape)",
                sourceLocation: sourceLocation)
        let error = try relativeError(actual, expected)
        print("parity \(label): relative error \(error)")
        #expect(error <= tolerance, "\(label): relative error \(error) > \(tolerance)", sourceLocation: sourceLocation)
    }

    /// Tensors of a fixture's `cases.safetensors`, read as float32.
    struct Cases {
        let file: SafeTensorsFile
        init(_ relativePath: String) throws { file = try SafeTensorsFile(url: Fixtures.url(relativePath)) }
        func callAsFunction(_ name: String) throws -> Tensor { try Tensor.load(name, from: file, dtype: .float32) }
    }

    /// A fresh temporary folder, removed by the caller with `removeFolder`.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Rewrites the tensors of `checkpoint` into `folder` under `file`, renaming or dropping them with
    /// `rename` (nil drops), then adds `extra` tensors (float32 zeros of the given shapes).
    static func rewrite(_ checkpoint: SafeTensorsCheckpoint, to file: URL, rename: (String) -> String? = { $0 },
                        extra: [String: [Int]] = [:]) throws {
        var writer = SafeTensorsWriter()
        for name in checkpoint.names {
            guard let newName = rename(name), let info = checkpoint.info(name) else { continue }
            let bytes = try checkpoint.withBytes(of: name) { Array($0) }
            try writer.add(name: newName, dtype: info.dtype, shape: info.shape, bytes: bytes)
        }
        for (name, shape) in extra.sorted(by: { $0.key < $1.key }) {
            try writer.add(name: name, dtype: .F32, shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
        }
        try writer.write(to: file)
    }

    /// The parameter names and shapes of one model in full_size_keys.json, and its config object.
    static func fullSize(_ model: String) throws -> (parameters: [String: [Int]], config: Data) {
        let data = try Data(contentsOf: Fixtures.url("zimage/full_size_keys.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let section = try #require(root[model] as? [String: Any])
        let parameters = try #require(section["parameters"] as? [String: [Int]])
        let config = try JSONSerialization.data(withJSONObject: try #require(section["config"]))
        return (parameters, config)
    }

    /// The error's text, for checking that a message names what is wrong.
    static func message(of body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }
}
