/// Ids in scene data are snake_case ASCII ("dialog_blocking"), so they are safe in file names,
/// SQL and JSON keys.
enum Identifier {
    static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static let rule = "must be snake_case: a lowercase letter, then lowercase letters, digits or _"
}
