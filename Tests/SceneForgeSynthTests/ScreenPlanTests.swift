import SceneForgeScenes
import Testing
@testable import SceneForgeSynth

@Suite("Procedural renderer: layout structure")
struct ScreenPlanTests {
    /// A dialog's text lies inside a list item beneath the dialog too; it must belong to the
    /// dialog (drawn in the dialog's colours, left out of the normal twin with it).
    @Test func dialogChildrenBelongToTheDialogNotThePageBeneath() throws {
        let layout = try SynthTestSupport.layout("centre_modal")
        let plan = ScreenPlan(layout)
        let ids = layout.boxes.map(\.id)
        let title = try #require(ids.firstIndex(of: "dialog_title"))
        let dialog = try #require(ids.firstIndex(of: "dialog"))
        #expect(plan.boxes[title].parent == dialog)
        #expect(plan.boxes[title].inOverlay)
        let itemTitle = try #require(ids.firstIndex(of: "item_0_title"))
        #expect(plan.boxes[itemTitle].parent == ids.firstIndex(of: "item_0"))
        #expect(!plan.boxes[itemTitle].inOverlay)
    }

    @Test func duplicatedEntriesShareContentKeysOnlyInTheAnomalyRender() throws {
        let layout = try SynthTestSupport.layout("duplicate_items")
        let plan = ScreenPlan(layout)
        let ids = layout.boxes.map(\.id)
        let a = try #require(ids.firstIndex(of: "dup_a_image")), b = try #require(ids.firstIndex(of: "dup_b_image"))
        #expect(plan.contentKey(a, duplicates: true) == plan.contentKey(b, duplicates: true))
        #expect(plan.contentKey(a, duplicates: false) != plan.contentKey(b, duplicates: false))
    }
}
