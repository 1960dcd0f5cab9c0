/// A job's id: the first 16 hex digits of SHA-256 over a canonical text of its settings.
///
/// The text is built by hand, one `key=value` line per setting in a fixed order, with numbers in
/// Swift's shortest round-trip form, so it does not depend on a JSON encoder's key order or float
/// formatting. The model enters as written in the scenario (not its resolved path), so the same
/// scenario gives the same ids on every machine. The scene name is in it, so two scenes with the
/// same settings still get distinct ids.
public enum StableJobID {
    public static let version = "sceneforge-job-v1"

    public static func canonicalText(of job: BatchJob) -> String {
        var lines = [version]
        func add(_ key: String, _ value: String) {
            // Escape the two characters that structure the text, so no value can forge a line.
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            lines.append("\(key)=\(escaped)")
        }
        add("scene", job.scene)
        add("prompt", job.prompt)
        add("negative_prompt", job.negativePrompt)
        add("model", job.model)
        add("loras", job.loras.map { "\($0.name)@\($0.weight)" }.joined(separator: ","))
        add("seed", "\(job.seed)")
        add("steps", "\(job.steps)")
        add("guidance", "\(job.guidance)")
        add("width", "\(job.width)")
        add("height", "\(job.height)")
        add("layout", job.layoutId ?? "")
        add("control_scale", "\(job.controlScale)")
        add("style", job.style ?? "")
        add("style_strength", job.styleStrength.map { "\($0)" } ?? "")
        add("anomaly_type", job.anomalyType ?? "")
        // The boxes carry the layout's content, so editing a layout file changes the ids it touches.
        add("anomaly_boxes", job.anomalyBoxes.map { "\($0.kind):\($0.x),\($0.y),\($0.width),\($0.height)" }.joined(separator: ";"))
        // Later settings enter only when set, so the ids of jobs that do not use them stay what they were.
        if job.controlStart != 0 || job.controlEnd != 1 { add("control_range", "\(job.controlStart)-\(job.controlEnd)") }
        if let edit = job.edit { add("edit", edit.canonicalText) }
        if let shaping = job.guidanceOptions.canonicalText { add("guidance_options", shaping) }
        return lines.joined(separator: "\n")
    }

    public static func id(of job: BatchJob) -> String {
        String(SHA256.hex(Array(canonicalText(of: job).utf8)).prefix(16))
    }
}
