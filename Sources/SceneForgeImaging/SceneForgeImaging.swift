// SceneForgeImaging: placeholder until its first module lands.
