/// The fixed colour of each box kind in segmentation control images. Colours come from the
/// ADE20K 150-class palette (MMSegmentation order) so ControlNet segmentation models see colours
/// they were trained on; the class meanings are ours. Uncovered pixels are black. The table is
/// documented in Data/README.md; changing a colour changes every golden image.
public enum SegmentationPalette {
    public static let background: [UInt8] = [0, 0, 0]

    public static func color(of kind: BoxKind) -> [UInt8] {
        switch kind {
        case .statusBar: return [120, 120, 80]
        case .header: return [180, 120, 120]
        case .searchBar: return [140, 140, 140]
        case .listItem: return [120, 120, 120]
        case .card: return [230, 230, 230]
        case .button: return [8, 255, 51]
        case .tabBar: return [80, 50, 50]
        case .textLine: return [4, 200, 3]
        case .image: return [6, 230, 230]
        case .icon: return [0, 102, 200]
        case .dialog: return [204, 5, 255]
        case .sheet: return [224, 5, 255]
        case .closeButton: return [255, 6, 82]
        case .dimOverlay: return [9, 7, 230]
        case .toast: return [150, 5, 61]
        case .banner: return [235, 255, 7]
        case .spinner: return [4, 250, 7]
        case .skeleton: return [143, 255, 140]
        case .errorIcon: return [255, 51, 7]
        case .imagePlaceholder: return [204, 255, 4]
        }
    }
}
