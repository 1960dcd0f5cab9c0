// swift-tools-version:6.0
import PackageDescription

// SceneForge: a terminal workbench for generating anomaly scenes with diffusion models.
// The Swift program never links libtorch: it dlopens the shim built from Shims/torch (see docs/architecture.md).
let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "SceneForge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sceneforge", targets: ["SceneForgeCLI"]),
        .executable(name: "sceneforge-bench", targets: ["SceneForgeBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The ABI contract of the libtorch shim: a header only, nothing is linked.
        .systemLibrary(name: "CTorchShim", path: "Shims/torch/include"),
        // libpng from Debian (libpng-dev).
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // ncursesw from Debian (libncurses-dev), for the workbench's terminal backend.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", providers: [.apt(["libncurses-dev"])]),
        // The system SQLite (libsqlite3-dev) for batch catalogs; a clean GRDB build costs more CI time than it saves.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(name: "SceneForgeTorch", dependencies: ["CTorchShim", "SafeTensors"], swiftSettings: swift5),
        .target(name: "SceneForgeModels", dependencies: ["SceneForgeTorch", "SafeTensors", "SceneForgeText", "SceneForgeImaging"], swiftSettings: swift5),
        .target(name: "SafeTensors", swiftSettings: swift5),
        .target(name: "SceneForgeImaging", dependencies: ["CPNG"], swiftSettings: swift5),
        .target(name: "SceneForgeText", swiftSettings: swift5),
        .target(name: "SceneForgeScenes", dependencies: ["TOMLKit", "SceneForgeImaging"], resources: [.copy("Data")], swiftSettings: swift5),
        .target(name: "SceneForgeWorkbench", dependencies: ["CNcurses", "SceneForgeImaging", "SceneForgeScenes", "SceneForgeEngine", "TOMLKit"], swiftSettings: swift5),
        .target(
            name: "SceneForgeBatch",
            dependencies: ["SceneForgeScenes", "SceneForgeImaging", "SceneForgeModels", "SceneForgeTorch", "SceneForgeEngine", "TOMLKit", "CSQLite"],
            swiftSettings: swift5),
        // Procedural phone-screen renderer: training samples for the embedded default model.
        .target(name: "SceneForgeSynth", dependencies: ["SceneForgeScenes", "SceneForgeImaging"], swiftSettings: swift5),
        // The quality-bar instrument for generated screens (docs/quality-bars.md): pure Swift, trained on renderer output.
        .target(name: "SceneForgeQuality", dependencies: ["SceneForgeSynth", "SceneForgeScenes", "SceneForgeImaging"],
                // Optimised even in debug builds: its tests train detectors on hundreds of screens and must take seconds.
                swiftSettings: swift5 + [.unsafeFlags(["-O"])]),
        // The background engine (JSON lines over stdin/stdout) and its client library (docs/protocol.md).
        // It also holds the image conditioning (ControlNet, img2img, inpaint) that `generate`, the engine and batches share.
        .target(name: "SceneForgeEngine", dependencies: ["SceneForgeTorch", "SceneForgeModels", "SceneForgeImaging", "SceneForgeScenes"],
                swiftSettings: swift5),
        // `sceneforge train`: the small default model, trained from scratch with the real components.
        .target(
            name: "SceneForgeTraining",
            dependencies: ["SceneForgeModels", "SceneForgeScenes", "SceneForgeImaging", "SafeTensors", "SceneForgeTorch", "SceneForgeText",
                           "SceneForgeSynth", "TOMLKit"],
            resources: [.copy("Data")], swiftSettings: swift5),
        .executableTarget(
            name: "SceneForgeCLI",
            dependencies: [
                "SceneForgeTorch", "SafeTensors", "SceneForgeImaging", "SceneForgeText", "SceneForgeScenes",
                "SceneForgeModels", "SceneForgeWorkbench", "SceneForgeBatch", "SceneForgeSynth", "SceneForgeEngine", "SceneForgeTraining",
                "SceneForgeQuality",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swift5),
        // Benchmarks print ratios against a reference measured in the same run (docs/benchmarks.md).
        .executableTarget(
            name: "SceneForgeBench",
            dependencies: [
                "SceneForgeTorch", "SafeTensors", "SceneForgeImaging", "SceneForgeText", "SceneForgeScenes",
                "SceneForgeModels", "SceneForgeSynth", "SceneForgeEngine", "SceneForgeTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swift5),

        .testTarget(name: "SceneForgeTorchTests", dependencies: ["SceneForgeTorch", "SafeTensors"], swiftSettings: swift5),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors"], swiftSettings: swift5),
        .testTarget(name: "SceneForgeImagingTests", dependencies: ["SceneForgeImaging"], swiftSettings: swift5),
        .testTarget(name: "SceneForgeTextTests", dependencies: ["SceneForgeText"], swiftSettings: swift5),
        .testTarget(name: "SceneForgeScenesTests", dependencies: ["SceneForgeScenes"], swiftSettings: swift5),
        .testTarget(name: "SceneForgeModelsTests", dependencies: ["SceneForgeModels", "SceneForgeScenes", "SceneForgeSynth"], swiftSettings: swift5),
        .testTarget(
            name: "SceneForgeTrainingTests",
            dependencies: ["SceneForgeTraining", "SceneForgeModels", "SceneForgeScenes", "SceneForgeImaging", "SafeTensors", "SceneForgeTorch"],
            swiftSettings: swift5),
        // Drives the built `sceneforge` binary as a child process.
        .testTarget(name: "SceneForgeCLITests", dependencies: ["SceneForgeImaging", "SafeTensors", "SceneForgeTorch"], swiftSettings: swift5),
        .testTarget(name: "SceneForgeWorkbenchTests", dependencies: ["SceneForgeWorkbench", "SceneForgeEngine"], swiftSettings: swift5),
        .testTarget(name: "SceneForgeBatchTests", dependencies: ["SceneForgeBatch", "SceneForgeImaging", "SceneForgeScenes", "SceneForgeSynth"],
                    swiftSettings: swift5),
        .testTarget(name: "SceneForgeSynthTests", dependencies: ["SceneForgeSynth", "SceneForgeScenes", "SceneForgeImaging"], swiftSettings: swift5),
        .testTarget(name: "SceneForgeQualityTests", dependencies: ["SceneForgeQuality", "SceneForgeSynth", "SceneForgeScenes", "SceneForgeImaging"],
                    swiftSettings: swift5),
        .testTarget(name: "SceneForgeEngineTests", dependencies: ["SceneForgeEngine", "SceneForgeTorch", "SceneForgeModels", "SceneForgeImaging", "SceneForgeSynth"],
                    swiftSettings: swift5),
    ]
)
