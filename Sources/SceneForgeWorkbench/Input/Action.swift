/// Everything a key can be bound to. Raw values are the names used in `[keys]` of the settings file.
public enum Action: String, CaseIterable, Sendable {
    // Anywhere.
    case help, quit, nextTab = "next_tab", previousTab = "previous_tab"
    case tabCompose = "tab_compose", tabLayout = "tab_layout", tabStyle = "tab_style"
    case tabParameters = "tab_params", tabRun = "tab_run", tabGallery = "tab_gallery"
    case run, cancelJob = "cancel_job"
    // Lists.
    case up, down, left, right, pageUp = "page_up", pageDown = "page_down", select, back
    case nextField = "next_field", previousField = "previous_field"
    // Compose.
    case insertChinese = "insert_chinese"
    // Layout and style.
    case strengthDown = "strength_down", strengthUp = "strength_up", controlRegion = "control_region"
    case nudgeMode = "nudge_mode", narrower, wider, shorter, taller, saveLayout = "save_layout"
    // Parameters.
    case rerollSeed = "reroll_seed", toggleRandomSeed = "toggle_random_seed", lockSeed = "lock_seed"
    // Gallery.
    case info, rerun, rerunNewSeed = "rerun_new_seed", delete, refresh

    /// One line for the help overlay.
    public var summary: String {
        switch self {
        case .help: return "show or hide this help"
        case .quit: return "quit (asks when jobs are queued)"
        case .nextTab: return "next tab"
        case .previousTab: return "previous tab"
        case .tabCompose: return "Compose tab"
        case .tabLayout: return "Layout tab"
        case .tabStyle: return "Style tab"
        case .tabParameters: return "Params tab"
        case .tabRun: return "Run tab"
        case .tabGallery: return "Gallery tab"
        case .run: return "submit the scene (batch count jobs)"
        case .cancelJob: return "cancel the running (or selected) job"
        case .up: return "move up"
        case .down: return "move down"
        case .left: return "move left / decrease"
        case .right: return "move right / increase"
        case .pageUp: return "page up"
        case .pageDown: return "page down"
        case .select: return "choose / insert / open / edit"
        case .back: return "close the overlay or the open image"
        case .nextField: return "next field"
        case .previousField: return "previous field"
        case .insertChinese: return "anomaly picker: insert the Chinese template"
        case .strengthDown: return "control or style strength -0.05"
        case .strengthUp: return "control or style strength +0.05"
        case .controlRegion: return "layout: control everywhere or in the anomaly region"
        case .nudgeMode: return "layout: nudge the anomaly box (arrows move)"
        case .narrower: return "nudge: narrower"
        case .wider: return "nudge: wider"
        case .shorter: return "nudge: shorter"
        case .taller: return "nudge: taller"
        case .saveLayout: return "layout: save as TOML in the user layouts folder"
        case .rerollSeed: return "params: new random seed now"
        case .toggleRandomSeed: return "params: random seed for every job on/off"
        case .lockSeed: return "params: lock the seed"
        case .info: return "gallery: show the full record"
        case .rerun: return "gallery: re-run with the same settings"
        case .rerunNewSeed: return "gallery: re-run with a new seed"
        case .delete: return "gallery: delete the image (asks)"
        case .refresh: return "gallery/style: rescan the folder"
        }
    }
}
