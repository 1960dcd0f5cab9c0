import Foundation
import SceneForgeScenes

/// Writes a layout in the format `SceneCatalog` reads (Data/README.md), so a nudged layout saved from
/// the workbench loads back as a user layout.
public enum LayoutWriter {
    public static func toml(_ layout: Layout) -> String {
        var lines = [
            "# Saved by the SceneForge workbench",
            "id = \(quote(layout.id))",
            "name = \(quote(layout.name))",
        ]
        if !layout.description.isEmpty { lines.append("description = \(quote(layout.description))") }
        lines.append("anomaly = \(quote(layout.anomalyType))")
        lines.append("aspect = \(quote(layout.aspect.description))")
        for box in layout.boxes {
            lines.append("")
            lines.append("[[boxes]]")
            lines.append("id = \(quote(box.id))")
            lines.append("kind = \(quote(box.kind.rawValue))")
            lines.append("x = \(number(box.rect.x))")
            lines.append("y = \(number(box.rect.y))")
            lines.append("w = \(number(box.rect.w))")
            lines.append("h = \(number(box.rect.h))")
            if let text = box.text { lines.append("text = \(quote(text))") }
            if box.isAnomaly { lines.append("anomaly = true") }
            if box.z != 0 { lines.append("z = \(box.z)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A TOML basic string.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f { out += String(format: "\\u%04X", scalar.value) }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Always with a decimal point, so TOML reads a float; trailing zeros trimmed.
    static func number(_ v: Double) -> String {
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") && !s.hasSuffix(".0") { s.removeLast() }
        return s
    }
}
