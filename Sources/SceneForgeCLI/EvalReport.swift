import Foundation
import SceneForgeQuality

/// The text `sceneforge eval` prints: each figure next to its bar, and whether every bar is met.
struct EvalReport {
    let figures: QualityFigures
    /// What to print for (c) when it could not be measured.
    let styleNote: String

    var adherencePassed: Bool { !figures.adherence.isEmpty && figures.worstAdherence >= QualityBars.layoutAdherence }
    var passed: Bool {
        adherencePassed && figures.anomalyRecognition >= QualityBars.anomalyRecognition
            && figures.themeRecognition >= QualityBars.themeRecognition
            && (figures.styleRecognition ?? 0) >= QualityBars.styleRecognition && figures.diversity >= QualityBars.diversityFloor
    }

    var text: String {
        var lines = ["quality bars:"]
        lines.append(Self.line("(a) layout adherence, worst layout mean IoU", figures.worstAdherence, bar: QualityBars.layoutAdherence)
            + String(format: "  (mean over layouts %.3f)", figures.meanAdherence))
        // Each layout's standard error over its images says which differences between two runs are more than seeds.
        for (id, iou) in figures.adherence.sorted(by: { $0.key < $1.key }) {
            let error = figures.adherenceStandardError[id].map { String(format: "  ± %.3f", $0) } ?? ""
            let best = figures.bestCandidateAdherence[id].map { String(format: "  best candidate %.3f", $0) } ?? ""
            lines.append(String(format: "      %-24@ %.3f", id as NSString, iou) + error + best)
        }
        // The best candidate tells "drawn in place, but the detector kept another region" from "drawn elsewhere".
        if !figures.bestCandidateAdherence.isEmpty {
            lines.append(String(format: "      best candidate region (a diagnostic, not the bar): worst %.3f (mean %.3f)",
                                QualityFigures.worst(figures.bestCandidateAdherence), QualityFigures.mean(figures.bestCandidateAdherence)))
        }
        lines.append(Self.line("(b) anomaly type recognised", figures.anomalyRecognition, bar: QualityBars.anomalyRecognition))
        lines.append(Self.line("(b) theme colour recognised", figures.themeRecognition, bar: QualityBars.themeRecognition))
        lines.append(Self.confusionLine(figures.themeConfusion))
        if let style = figures.styleConfusion {
            lines.append(Self.line("(c) style reference recognised", style.accuracy, bar: QualityBars.styleRecognition))
            lines.append(Self.confusionLine(style))
        } else {
            lines.append("(c) style reference recognised: \(styleNote)  [bar ≥ \(QualityBars.styleRecognition)]  MISSED")
        }
        lines.append(Self.line("(d) diversity, mean pairwise distance", figures.diversity, bar: QualityBars.diversityFloor))
        lines.append(passed ? "all bars met" : "bars missed")
        return lines.joined(separator: "\n")
    }

    /// The instrument's own figures on held-out renderer screens.
    static func selfCheck(_ instrument: QualityInstrument) -> String {
        let check = instrument.selfCheck
        func perLayout(_ ious: [String: Double]) -> String {
            ious.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ")
        }
        return String(format: "  detector mean IoU %.3f (worst layout %.3f), anomaly type %.3f, theme colour %.3f, renderer diversity %.3f",
                      check.meanAdherence, check.worstAdherence, check.anomalyRecognition, check.themeRecognition, check.diversity)
            + "\n  detector IoU per layout: " + perLayout(check.adherence)
            + String(format: "\n  on the same screens softened (blur, less contrast): detector mean IoU %.3f (worst layout %.3f), theme colour %.3f",
                     QualityFigures.mean(instrument.softenedAdherence), QualityFigures.worst(instrument.softenedAdherence),
                     instrument.softenedThemeRecognition)
            + "\n  softened, per layout: " + perLayout(instrument.softenedAdherence)
            + String(format: "\n  softened with a halo (a wide blur blended in): detector mean IoU %.3f (worst layout %.3f)",
                     QualityFigures.mean(instrument.haloAdherence), QualityFigures.worst(instrument.haloAdherence))
            + "\n  with a halo, per layout: " + perLayout(instrument.haloAdherence)
    }

    /// Per requested theme colour: recognised/asked, and what the misses were read as.
    static func confusionLine(_ confusion: ThemeConfusion) -> String {
        "      per theme: " + confusion.rows().joined(separator: "; ")
    }

    static func line(_ name: String, _ value: Double, bar: Double) -> String {
        String(format: "%@: %.3f  [bar ≥ %.2f]  %@", name, value, bar, value >= bar ? "met" : "MISSED")
    }
}
