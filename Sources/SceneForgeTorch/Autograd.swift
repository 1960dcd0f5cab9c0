import CTorchShim

// Autograd: leaves that require gradients, backward, and the no-grad scope.

extension Tensor {
    /// Whether autograd records operations on this tensor. Settable on leaves only.
    public var requiresGrad: Bool {
        guard let api = try? TorchRuntime.table else { return false }
        var flag: Int32 = 0
        return api.requires_grad(handle, &flag) == 0 && flag != 0
    }

    public func setRequiresGrad(_ flag: Bool) throws {
        try check(TorchRuntime.table.set_requires_grad(handle, flag ? 1 : 0), "Tensor.setRequiresGrad")
    }

    /// Back-propagates from this tensor (a scalar, or give `gradient` of the same shape).
    public func backward(gradient: Tensor? = nil) throws {
        let api = try TorchRuntime.table
        try withExtendedLifetime(gradient) { try check(api.backward(handle, gradient?.handle), "Tensor.backward") }
    }

    /// The accumulated gradient, or nil when none has been computed.
    public func grad() throws -> Tensor? {
        let api = try TorchRuntime.table
        var out: sf_tensor?
        try check(api.grad(handle, &out), "Tensor.grad")
        return out.map(Tensor.init(owning:))
    }

    /// Forgets the accumulated gradient.
    public func zeroGrad() throws { try check(TorchRuntime.table.zero_grad(handle), "Tensor.zeroGrad") }

    /// The same values, cut off from the autograd graph.
    public func detach() throws -> Tensor {
        try produce("Tensor.detach") { api, out in api.detach(handle, out) }
    }
}

/// Runs `body` with gradient recording off on this thread (inference, optimiser updates),
/// restoring the previous mode afterwards, even when `body` throws.
public func withNoGrad<R>(_ body: () throws -> R) throws -> R { try withGradRecording(false, body) }

/// Runs `body` with gradient recording on (a small optimisation inside an inference pass, such as an
/// inpaint's latent fit), restoring the previous mode afterwards, even when `body` throws.
public func withGrad<R>(_ body: () throws -> R) throws -> R { try withGradRecording(true, body) }

private func withGradRecording<R>(_ enabled: Bool, _ body: () throws -> R) throws -> R {
    let api = try TorchRuntime.table
    var previous: Int32 = 1
    try check(api.set_grad_enabled(enabled ? 1 : 0, &previous), enabled ? "withGrad" : "withNoGrad")
    defer { _ = api.set_grad_enabled(previous, nil) }
    return try body()
}

/// Scales gradients so that their global L2 norm is at most `maxNorm`; returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Double) throws -> Double {
    try withNoGrad {
        let grads = try parameters.compactMap { try $0.grad() }
        guard !grads.isEmpty else { return 0 }
        let squares = try grads.map { try $0.to(.float32).square().sum() }
        let total = try Tensor.stack(squares, dim: 0).sum().sqrt().item()
        let factor = maxNorm / (total + 1e-6)
        if factor < 1 { for g in grads { try g.mul(inPlace: factor) } }
        return total
    }
}
