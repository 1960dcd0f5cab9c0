import CTorchShim

extension Tensor {
    public func to(_ dtype: DType) throws -> Tensor {
        try produce("Tensor.to(dtype)") { api, out in api.to_dtype(handle, dtype.rawValue, out) }
    }

    public func to(_ device: Device) throws -> Tensor {
        try produce("Tensor.to(device)") { api, out in api.to_device(handle, device.abi.type, device.abi.index, out) }
    }

    public func to(_ device: Device, _ dtype: DType) throws -> Tensor {
        let moved = self.device == device ? self : try to(device)
        return moved.dtype == dtype ? moved : try moved.to(dtype)
    }

    public func clone() throws -> Tensor {
        try produce("Tensor.clone") { api, out in api.clone(handle, out) }
    }
}
