import Foundation

/// Errors thrown by SceneForgeText. Every message names the file or construct at fault.
public enum TextError: Error, CustomStringConvertible, Equatable {
    /// A tokenizer file is missing, unreadable or malformed.
    case invalidTokenizerFile(file: String, problem: String)
    /// The tokenizer file uses a component this implementation does not support.
    case unsupportedComponent(file: String, component: String)
    /// Padding was requested but the tokenizer has no pad token.
    case missingPadToken
    /// The chat template could not be parsed or rendered.
    case template(message: String, line: Int, column: Int)
    /// The template called raise_exception(message).
    case templateRaised(String)

    public var description: String {
        switch self {
        case .invalidTokenizerFile(let file, let problem):
            return "\(file): \(problem)"
        case .unsupportedComponent(let file, let component):
            return "\(file): unsupported \(component)"
        case .missingPadToken:
            return "padding requested but the tokenizer defines no pad token (set pad_token in tokenizer_config.json)"
        case .template(let message, let line, let column):
            return "chat template, line \(line), column \(column): \(message)"
        case .templateRaised(let message):
            return "chat template raised an exception: \(message)"
        }
    }
}
