/// What a box on a layout canvas is. The raw value is the spelling used in layout files.
public enum BoxKind: String, CaseIterable, Sendable, Codable {
    // Page furniture.
    case statusBar = "status_bar"
    case header
    case searchBar = "search_bar"
    case listItem = "list_item"
    case card
    case button
    case tabBar = "tab_bar"
    case textLine = "text_line"
    case image
    case icon
    // Anomaly elements.
    case dialog
    case sheet
    case closeButton = "close_button"
    case dimOverlay = "dim_overlay"
    case toast
    case banner
    case spinner
    case skeleton
    case errorIcon = "error_icon"
    case imagePlaceholder = "image_placeholder"

    /// Names accepted in files, for error messages.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// A translucent full-area layer: it darkens what lies beneath instead of hiding it, and the
    /// inpainting mask leaves it out unless asked (masking the whole screen would defeat an edit).
    public var isBackdrop: Bool { self == .dimOverlay }

    /// Whether a box's `text` is drawn as a centred label stroke in the edges image. Containers
    /// (dialog, card...) carry their text in child `text_line` boxes instead.
    public var drawsTextLabel: Bool {
        switch self {
        case .button, .toast, .banner, .header, .searchBar, .tabBar: return true
        default: return false
        }
    }
}
