/// The workbench's views; at any size one is shown at a time below the tab bar.
public enum Tab: Int, CaseIterable, Sendable {
    case compose, layout, style, parameters, run, gallery

    public var title: String {
        switch self {
        case .compose: return "Compose"
        case .layout: return "Layout"
        case .style: return "Style"
        case .parameters: return "Params"
        case .run: return "Run"
        case .gallery: return "Gallery"
        }
    }
}
