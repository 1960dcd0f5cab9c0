import SceneForgeTorch

/// Root-mean-square norm over the last dimension; key `weight` [dim] when affine.
public struct RMSNorm {
    public let weight: Tensor?
    public let eps: Double

    public init(_ w: Weights, dim: Int, eps: Double, affine: Bool = true) throws {
        weight = affine ? try w.tensor("weight", shape: [dim], initializer: .ones) : nil
        self.eps = eps
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.rmsNorm(weight: weight, eps: eps) }
}

/// Layer norm over the last dimension; keys `weight` and `bias` [dim] when affine.
public struct LayerNorm {
    public let weight: Tensor?
    public let bias: Tensor?
    public let eps: Double

    public init(_ w: Weights, dim: Int, eps: Double, affine: Bool = true, bias hasBias: Bool = true) throws {
        weight = affine ? try w.tensor("weight", shape: [dim], initializer: .ones) : nil
        bias = affine && hasBias ? try w.tensor("bias", shape: [dim], initializer: .zeros) : nil
        self.eps = eps
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.layerNorm(weight: weight, bias: bias, eps: eps) }
}

/// Group norm over channels (dim 1); keys `weight` and `bias` [channels].
public struct GroupNorm {
    public let weight: Tensor
    public let bias: Tensor
    public let groups: Int
    public let eps: Double

    public init(_ w: Weights, groups: Int, channels: Int, eps: Double) throws {
        weight = try w.tensor("weight", shape: [channels], initializer: .ones)
        bias = try w.tensor("bias", shape: [channels], initializer: .zeros)
        self.groups = groups
        self.eps = eps
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.groupNorm(groups: groups, weight: weight, bias: bias, eps: eps) }
}
