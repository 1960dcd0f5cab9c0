// SceneForgeModels: diffusion models in Swift over Tensor (placeholder).
