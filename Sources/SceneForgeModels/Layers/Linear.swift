import SceneForgeTorch

/// `y = x Wᵀ + b`; keys `weight` [out, in] and `bias` [out].
public struct Linear {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ w: Weights, inFeatures: Int, outFeatures: Int, bias hasBias: Bool = true) throws {
        let bound = 1 / Double(inFeatures).squareRoot()   // PyTorch's default initialisation range
        weight = try w.tensor("weight", shape: [outFeatures, inFeatures], initializer: .uniform(bound: bound))
        bias = hasBias ? try w.tensor("bias", shape: [outFeatures], initializer: .uniform(bound: bound)) : nil
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.linear(weight, bias: bias) }
}

/// A 2-d convolution; keys `weight` [out, in/groups, k, k] and `bias` [out].
public struct Conv2d {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int

    public init(_ w: Weights, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias hasBias: Bool = true) throws {
        let bound = 1 / Double(inChannels * kernel * kernel).squareRoot()
        weight = try w.tensor("weight", shape: [outChannels, inChannels, kernel, kernel], initializer: .uniform(bound: bound))
        bias = hasBias ? try w.tensor("bias", shape: [outChannels], initializer: .uniform(bound: bound)) : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight, bias: bias, stride: (stride, stride), padding: (padding, padding))
    }
}

/// A lookup table; key `weight` [count, dim].
public struct Embedding {
    public let weight: Tensor

    public init(_ w: Weights, count: Int, dim: Int) throws {
        weight = try w.tensor("weight", shape: [count, dim], initializer: .normal(std: 1))
    }

    /// Rows of the table for integer `ids` of any shape; the result has a trailing `dim`.
    public func callAsFunction(_ ids: Tensor) throws -> Tensor {
        let flat = try weight.indexSelect(dim: 0, index: ids.flatten())
        return try flat.reshape(ids.shape + [weight.size(1)])
    }
}
