import Foundation
import Testing
@testable import SceneForgeScenes

@Suite struct CatalogTests {
    /// The taxonomy of /work/shared/domain.md; the built-in data must cover all of it.
    static let domainTypes = [
        "dialog_blocking", "permission_dialog", "bottom_sheet", "floating_banner", "toast", "loading_timeout",
        "network_error", "empty_result", "payment_failed", "price_changed", "greyed_control", "content_duplicate",
        "image_broken",
    ]

    @Test func builtInDataLoadsAndCoversTheDomainTaxonomy() throws {
        let catalog = try SceneCatalog.builtIn()
        let ids = Set(catalog.anomalyTypes.map(\.id))
        for id in Self.domainTypes { #expect(ids.contains(id), "missing anomaly type \(id)") }
        for type in catalog.anomalyTypes {
            #expect(type.promptZH.unicodeScalars.contains { !$0.isASCII }, "\(type.id): prompt_zh has no Chinese")
            #expect(!type.boxKinds.isEmpty)
        }
    }

    @Test func builtInLayoutsIncludeTheRequiredTemplates() throws {
        let catalog = try SceneCatalog.builtIn()
        #expect(catalog.layouts.count >= 12)
        let required = [
            "centre_modal", "modal_close_top_right", "permission_dialog", "bottom_sheet", "floating_banner",
            "top_banner", "toast", "full_page_loading", "region_skeleton", "network_error", "empty_result",
            "sold_out_button",
        ]
        for id in required { #expect(catalog.layout(id: id) != nil, "missing layout \(id)") }
        // Every anomaly type has at least one layout showing it.
        for type in catalog.anomalyTypes {
            #expect(!catalog.layouts(showing: type.id).isEmpty, "no layout shows \(type.id)")
        }
    }

    @Test func builtInLayoutsAreSelfConsistent() throws {
        let catalog = try SceneCatalog.builtIn()
        for layout in catalog.layouts {
            #expect(layout.source == "layouts/\(layout.id).toml", "file name and id differ: \(layout.source)")
            #expect(layout.aspect == .phone)
            let type = try #require(catalog.anomalyType(id: layout.anomalyType))
            for box in layout.anomalyBoxes { #expect(type.boxKinds.contains(box.kind)) }
        }
    }

    @Test func userFolderAddsAnomalyTypesAndLayouts() throws {
        let folder = try TemporaryFolder()
        try folder.write("anomalies.toml", """
            [[anomalies]]
            id = "battery_warning"
            name = "Low battery warning"
            description = "System low-battery dialog."
            prompt_en = "a low battery warning dialog"
            prompt_zh = "电量不足提示弹窗"
            expected_action = "dismiss_then_continue"
            expected_action_description = "Dismiss it and continue."
            placement = "centre"
            box_kinds = ["dialog", "button"]
            """)
        try folder.write("layouts/battery.toml", """
            id = "battery"
            name = "Battery dialog"
            anomaly = "battery_warning"
            aspect = "1:2"

            [[boxes]]
            kind = "dialog"
            x = 0.1
            y = 0.4
            w = 0.8
            h = 0.2
            anomaly = true
            """)
        let catalog = try SceneCatalog.load(SceneSources(userDirectories: [folder.url]))
        let layout = try #require(catalog.layout(id: "battery"))
        #expect(layout.anomalyType == "battery_warning")
        #expect(layout.aspect == CanvasAspect(width: 1, height: 2))
        #expect(layout.boxes.first?.id == "dialog_0")
        #expect(catalog.layout(id: "toast") != nil, "built-in layouts are still there")
    }

    @Test func duplicateLayoutIdAcrossFilesNamesBothFiles() throws {
        let folder = try TemporaryFolder()
        try folder.write("toast_again.toml", """
            id = "toast"
            name = "Another toast"
            anomaly = "toast"

            [[boxes]]
            kind = "toast"
            x = 0.2
            y = 0.7
            w = 0.6
            h = 0.05
            anomaly = true
            """)
        let path = folder.url.appendingPathComponent("toast_again.toml")
        #expect(throws: SceneCatalogError(problems: [
            SceneDataError(file: path.path, line: 1, field: "id", message: "duplicate layout id 'toast' (first defined in layouts/toast.toml)")
        ])) {
            try SceneCatalog.load(SceneSources(layoutPaths: [path]))
        }
    }

    @Test func everyBrokenFileIsReportedAtOnce() throws {
        let folder = try TemporaryFolder()
        try folder.write("a.toml", "id = \"a\"\n")
        try folder.write("b.toml", "id = ")
        do {
            _ = try SceneCatalog.load(SceneSources(includeBuiltIn: false, layoutPaths: [folder.url]))
            Issue.record("expected an error")
        } catch let error as SceneCatalogError {
            #expect(error.problems.map(\.file) == ["a.toml", "b.toml"].map { folder.url.appendingPathComponent($0).path })
            #expect(error.description.hasPrefix("2 problems in scene data:"))
        }
    }

    @Test func missingExplicitPathIsAnError() {
        #expect(throws: SceneCatalogError.self) {
            try SceneCatalog.load(SceneSources(layoutPaths: [URL(fileURLWithPath: "/nonexistent/sceneforge/layouts")]))
        }
    }

    @Test func defaultUserDirectoryFollowsEnvironment() {
        #expect(SceneSources.defaultUserDirectory(environment: ["SCENEFORGE_CONFIG_DIR": "/x/y"]).path == "/x/y")
        #expect(SceneSources.defaultUserDirectory(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/h"]).path == "/cfg/sceneforge")
        #expect(SceneSources.defaultUserDirectory(environment: ["HOME": "/h"]).path == "/h/.config/sceneforge")
    }
}

/// A scratch folder removed when the test's value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-scenes-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
