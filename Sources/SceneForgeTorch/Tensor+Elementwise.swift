import CTorchShim

// Elementwise arithmetic with broadcasting, as PyTorch does it (type promotion included).

extension Tensor {
    func binary(_ op: sf_binary_op, _ other: Tensor) throws -> Tensor {
        try withExtendedLifetime(other) {
            try produce("Tensor elementwise op") { api, out in api.binary(Int32(op.rawValue), handle, other.handle, out) }
        }
    }

    func binary(_ op: sf_binary_op, _ scalar: Double) throws -> Tensor {
        try produce("Tensor elementwise op") { api, out in api.binary_scalar(Int32(op.rawValue), handle, scalar, out) }
    }

    func unary(_ op: sf_unary_op, _ name: StaticString) throws -> Tensor {
        try produce(name) { api, out in api.unary(Int32(op.rawValue), handle, out) }
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(SF_ADD, b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(SF_SUB, b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(SF_MUL, b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(SF_DIV, b) }

    public static func + (a: Tensor, s: Double) throws -> Tensor { try a.binary(SF_ADD, s) }
    public static func - (a: Tensor, s: Double) throws -> Tensor { try a.binary(SF_SUB, s) }
    public static func * (a: Tensor, s: Double) throws -> Tensor { try a.binary(SF_MUL, s) }
    public static func / (a: Tensor, s: Double) throws -> Tensor { try a.binary(SF_DIV, s) }

    public static func + (s: Double, a: Tensor) throws -> Tensor { try a.binary(SF_ADD, s) }
    public static func - (s: Double, a: Tensor) throws -> Tensor { try a.binary(SF_RSUB, s) }
    public static func * (s: Double, a: Tensor) throws -> Tensor { try a.binary(SF_MUL, s) }
    public static func / (s: Double, a: Tensor) throws -> Tensor { try a.binary(SF_RDIV, s) }

    public static prefix func - (a: Tensor) throws -> Tensor { try a.unary(SF_NEG, "Tensor.neg") }

    public func pow(_ exponent: Double) throws -> Tensor { try binary(SF_POW, exponent) }
    public func pow(_ exponent: Tensor) throws -> Tensor { try binary(SF_POW, exponent) }
    public func maximum(_ other: Tensor) throws -> Tensor { try binary(SF_MAXIMUM, other) }
    public func minimum(_ other: Tensor) throws -> Tensor { try binary(SF_MINIMUM, other) }
    public func atan2(_ other: Tensor) throws -> Tensor { try binary(SF_ATAN2, other) }
    public func remainder(_ divisor: Double) throws -> Tensor { try binary(SF_REMAINDER, divisor) }

    // Comparisons give bool tensors.
    public func eq(_ other: Tensor) throws -> Tensor { try binary(SF_EQ, other) }
    public func ne(_ other: Tensor) throws -> Tensor { try binary(SF_NE, other) }
    public func lt(_ other: Tensor) throws -> Tensor { try binary(SF_LT, other) }
    public func le(_ other: Tensor) throws -> Tensor { try binary(SF_LE, other) }
    public func gt(_ other: Tensor) throws -> Tensor { try binary(SF_GT, other) }
    public func ge(_ other: Tensor) throws -> Tensor { try binary(SF_GE, other) }
    public func eq(_ s: Double) throws -> Tensor { try binary(SF_EQ, s) }
    public func ne(_ s: Double) throws -> Tensor { try binary(SF_NE, s) }
    public func lt(_ s: Double) throws -> Tensor { try binary(SF_LT, s) }
    public func le(_ s: Double) throws -> Tensor { try binary(SF_LE, s) }
    public func gt(_ s: Double) throws -> Tensor { try binary(SF_GT, s) }
    public func ge(_ s: Double) throws -> Tensor { try binary(SF_GE, s) }
    public func logicalAnd(_ other: Tensor) throws -> Tensor { try binary(SF_LOGICAL_AND, other) }
    public func logicalOr(_ other: Tensor) throws -> Tensor { try binary(SF_LOGICAL_OR, other) }
    public func logicalNot() throws -> Tensor { try unary(SF_LOGICAL_NOT, "Tensor.logicalNot") }

    public func abs() throws -> Tensor { try unary(SF_ABS, "Tensor.abs") }
    public func exp() throws -> Tensor { try unary(SF_EXP, "Tensor.exp") }
    public func log() throws -> Tensor { try unary(SF_LOG, "Tensor.log") }
    public func log1p() throws -> Tensor { try unary(SF_LOG1P, "Tensor.log1p") }
    public func expm1() throws -> Tensor { try unary(SF_EXPM1, "Tensor.expm1") }
    public func sin() throws -> Tensor { try unary(SF_SIN, "Tensor.sin") }
    public func cos() throws -> Tensor { try unary(SF_COS, "Tensor.cos") }
    public func sqrt() throws -> Tensor { try unary(SF_SQRT, "Tensor.sqrt") }
    public func rsqrt() throws -> Tensor { try unary(SF_RSQRT, "Tensor.rsqrt") }
    public func tanh() throws -> Tensor { try unary(SF_TANH, "Tensor.tanh") }
    public func sigmoid() throws -> Tensor { try unary(SF_SIGMOID, "Tensor.sigmoid") }
    public func silu() throws -> Tensor { try unary(SF_SILU, "Tensor.silu") }
    public func relu() throws -> Tensor { try unary(SF_RELU, "Tensor.relu") }
    public func square() throws -> Tensor { try unary(SF_SQUARE, "Tensor.square") }
    public func reciprocal() throws -> Tensor { try unary(SF_RECIPROCAL, "Tensor.reciprocal") }
    public func floor() throws -> Tensor { try unary(SF_FLOOR, "Tensor.floor") }
    public func ceil() throws -> Tensor { try unary(SF_CEIL, "Tensor.ceil") }
    public func round() throws -> Tensor { try unary(SF_ROUND, "Tensor.round") }
    public func sign() throws -> Tensor { try unary(SF_SIGN, "Tensor.sign") }
    public func erf() throws -> Tensor { try unary(SF_ERF, "Tensor.erf") }
    public func isNaN() throws -> Tensor { try unary(SF_ISNAN, "Tensor.isNaN") }
    public func isFinite() throws -> Tensor { try unary(SF_ISFINITE, "Tensor.isFinite") }

    public enum GELUApproximation: Sendable { case none, tanh }

    public func gelu(approximate: GELUApproximation = .none) throws -> Tensor {
        approximate == .tanh ? try unary(SF_GELU_TANH, "Tensor.gelu") : try unary(SF_GELU, "Tensor.gelu")
    }

    /// Limits values to [min, max]; either bound may be left out.
    public func clamp(min: Double? = nil, max: Double? = nil) throws -> Tensor {
        try produce("Tensor.clamp") { api, out in
            api.clamp(handle, min == nil ? 0 : 1, min ?? 0, max == nil ? 0 : 1, max ?? 0, out)
        }
    }

    /// `condition ? a : b`, elementwise with broadcasting.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try withExtendedLifetime((condition, a, b)) {
            try produce("Tensor.where") { api, out in api.where(condition.handle, a.handle, b.handle, out) }
        }
    }
}

// MARK: - In-place updates (optimisers, weight loading); they bypass autograd only inside `withNoGrad`.

extension Tensor {
    private func inplace(_ op: sf_inplace_op, _ source: Tensor, _ name: StaticString) throws {
        let api = try TorchRuntime.table
        try withExtendedLifetime(source) { try check(api.inplace(Int32(op.rawValue), handle, source.handle), name) }
    }

    private func inplace(_ op: sf_inplace_op, _ scalar: Double, _ name: StaticString) throws {
        let api = try TorchRuntime.table
        try check(api.inplace_scalar(Int32(op.rawValue), handle, scalar), name)
    }

    /// Overwrites this tensor's values with `source`'s (broadcast, converted to this dtype and device).
    public func copy(from source: Tensor) throws { try inplace(SF_INPLACE_COPY, source, "Tensor.copy(from:)") }
    public func fill(_ value: Double) throws { try inplace(SF_INPLACE_COPY, value, "Tensor.fill") }
    public func add(inPlace other: Tensor) throws { try inplace(SF_INPLACE_ADD, other, "Tensor.add(inPlace:)") }
    public func sub(inPlace other: Tensor) throws { try inplace(SF_INPLACE_SUB, other, "Tensor.sub(inPlace:)") }
    public func mul(inPlace other: Tensor) throws { try inplace(SF_INPLACE_MUL, other, "Tensor.mul(inPlace:)") }
    public func div(inPlace other: Tensor) throws { try inplace(SF_INPLACE_DIV, other, "Tensor.div(inPlace:)") }
    public func add(inPlace s: Double) throws { try inplace(SF_INPLACE_ADD, s, "Tensor.add(inPlace:)") }
    public func mul(inPlace s: Double) throws { try inplace(SF_INPLACE_MUL, s, "Tensor.mul(inPlace:)") }

    // Fused updates: one pass over the tensor and no temporaries, which is what an optimiser step over every
    // weight of a model spends its time on.

    /// self += weight · (end − self): an exponential moving average's update (torch's lerp_).
    public func lerp(inPlace end: Tensor, weight: Double) throws {
        let api = try TorchRuntime.table
        try withExtendedLifetime(end) { try check(api.lerp_inplace(handle, end.handle, weight), "Tensor.lerp(inPlace:)") }
    }

    /// self += value · a · b (torch's addcmul_).
    public func addcmul(inPlace a: Tensor, _ b: Tensor, value: Double) throws {
        let api = try TorchRuntime.table
        try withExtendedLifetime((a, b)) { try check(api.addcmul_inplace(handle, a.handle, b.handle, value), "Tensor.addcmul(inPlace:)") }
    }

    /// self += value · a / b (torch's addcdiv_).
    public func addcdiv(inPlace a: Tensor, _ b: Tensor, value: Double) throws {
        let api = try TorchRuntime.table
        try withExtendedLifetime((a, b)) { try check(api.addcdiv_inplace(handle, a.handle, b.handle, value), "Tensor.addcdiv(inPlace:)") }
    }
}
