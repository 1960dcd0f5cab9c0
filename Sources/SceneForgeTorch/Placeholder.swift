// SceneForgeTorch: Tensor over the run-time-loaded libtorch shim (work in progress).
