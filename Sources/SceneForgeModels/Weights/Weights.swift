import Foundation
import SafeTensors
import SceneForgeTorch

/// Where a model's parameters come from.
public enum WeightSource {
    /// A checkpoint: each parameter is read by its name, converted to the compute dtype and device.
    case checkpoint(SafeTensorsSource, description: String)
    /// Fresh initialisation, for training from scratch; the seed makes it repeatable.
    case initialize(seed: UInt64)
    /// Shapes only, no storage: a full-size model instantiated without its weights.
    case meta
}

/// How a freshly initialised parameter is filled (used only by `.initialize`).
public enum Initializer: Sendable {
    case zeros, ones
    case normal(std: Double)
    case uniform(bound: Double)
}

/// Hands out a model's parameters by their checkpoint names, so a module's stored names are the
/// checkpoint's keys. Shapes are checked on the way; every name handed out is remembered, so keys the
/// checkpoint has but the model never asked for are reported by name (`unexpectedKeys`).
///
/// `scoped("layers.3")` gives the view a sub-module uses; all views share one registry.
public struct Weights {
    final class Registry {
        let source: WeightSource
        let dtype: DType
        let device: Device
        let generator: Generator?
        var created: [(name: String, tensor: Tensor)] = []
        var requested: Set<String> = []

        init(source: WeightSource, dtype: DType, device: Device) throws {
            self.source = source
            self.dtype = dtype
            self.device = device
            if case .initialize(let seed) = source { generator = try Generator(seed: seed) } else { generator = nil }
        }
    }

    let registry: Registry
    /// The dotted path of this view, "" at the root.
    public let prefix: String

    public init(source: WeightSource, dtype: DType = .float32, device: Device = .cpu) throws {
        registry = try Registry(source: source, dtype: dtype, device: device)
        prefix = ""
    }

    private init(registry: Registry, prefix: String) {
        self.registry = registry
        self.prefix = prefix
    }

    public var dtype: DType { registry.dtype }
    public var device: Device { registry.device }

    public func scoped(_ name: String) -> Weights {
        Weights(registry: registry, prefix: key(name))
    }

    public func scoped(_ index: Int) -> Weights { scoped(String(index)) }

    public func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }

    /// The parameter `name` with `shape`. `dtype` overrides the compute dtype (e.g. float32 norms).
    public func tensor(_ name: String, shape: [Int], initializer: Initializer = .normal(std: 0.02), dtype: DType? = nil) throws -> Tensor {
        let fullName = key(name)
        let dtype = dtype ?? registry.dtype
        let tensor: Tensor
        switch registry.source {
        case .checkpoint(let checkpoint, let description):
            guard let info = checkpoint.info(fullName) else {
                throw WeightsError.missing(key: fullName, shape: shape, in: description)
            }
            guard info.shape == shape else {
                throw WeightsError.wrongShape(key: fullName, found: info.shape, expected: shape, in: description)
            }
            tensor = try Tensor.load(fullName, from: checkpoint, dtype: dtype, device: registry.device)
        case .initialize:
            tensor = try initialized(shape, initializer).to(registry.device, dtype)
        case .meta:
            tensor = try Tensor.zeros(shape, dtype: dtype, device: .meta)
        }
        registry.requested.insert(fullName)
        registry.created.append((fullName, tensor))
        return tensor
    }

    /// Whether the source holds `name` (always true when initialising or on meta).
    public func contains(_ name: String) -> Bool {
        if case .checkpoint(let checkpoint, _) = registry.source { return checkpoint.info(key(name)) != nil }
        return true
    }

    /// Every parameter handed out so far, in creation order, with its full name.
    public var parameters: [(name: String, tensor: Tensor)] { registry.created }

    /// Checkpoint keys under this view's prefix that no module asked for.
    public func unexpectedKeys(among names: [String]) -> [String] {
        let scope = prefix.isEmpty ? "" : prefix + "."
        return names.filter { $0.hasPrefix(scope) && !registry.requested.contains($0) }
    }

    private func initialized(_ shape: [Int], _ initializer: Initializer) throws -> Tensor {
        switch initializer {
        case .zeros: return try Tensor.zeros(shape)
        case .ones: return try Tensor.ones(shape)
        case .normal(let std): return try Tensor.randn(shape, generator: registry.generator) * std
        case .uniform(let bound): return try (Tensor.rand(shape, generator: registry.generator) * (2 * bound)) - bound
        }
    }
}

public enum WeightsError: Error, CustomStringConvertible {
    case missing(key: String, shape: [Int], in: String)
    case wrongShape(key: String, found: [Int], expected: [Int], in: String)
    case unexpected(keys: [String], in: String)

    public var description: String {
        switch self {
        case .missing(let key, let shape, let source):
            return "\(source): missing key '\(key)' (the model expects shape \(shape))"
        case .wrongShape(let key, let found, let expected, let source):
            return "\(source): key '\(key)' has shape \(found), the model expects \(expected)"
        case .unexpected(let keys, let source):
            let shown = keys.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            return "\(source): \(keys.count) unexpected key(s) the model does not use: \(shown)\(keys.count > 8 ? ", ..." : "")"
        }
    }
}

extension Weights {
    /// Builds a module from `checkpoint` after checking the file against the same module built on the meta device:
    /// every key the module asks for must exist with its shape, and no key may be left over (except those
    /// `ignoring` lets through). So a checkpoint that does not fit is refused, by key, before any weight is read.
    public static func checkedBuild<Module>(from checkpoint: SafeTensorsCheckpoint, dtype: DType, device: Device,
                                            ignoring ignored: (String) -> Bool = { _ in false },
                                            _ build: (Weights) throws -> Module) throws -> Module {
        let description = checkpoint.url.path
        let expected = try Weights(source: .meta)
        _ = try build(expected)
        for (name, tensor) in expected.parameters {
            guard let info = checkpoint.info(name) else {
                throw WeightsError.missing(key: name, shape: tensor.shape, in: description)
            }
            guard info.shape == tensor.shape else {
                throw WeightsError.wrongShape(key: name, found: info.shape, expected: tensor.shape, in: description)
            }
        }
        let unexpected = expected.unexpectedKeys(among: checkpoint.names).filter { !ignored($0) }
        guard unexpected.isEmpty else { throw WeightsError.unexpected(keys: unexpected, in: description) }
        return try build(Weights(source: .checkpoint(checkpoint, description: description), dtype: dtype, device: device))
    }
}
