/// Which keys trigger which actions. Text fields see printable keys first, so single-letter
/// bindings only act outside them; control and function keys work everywhere.
public struct KeyBindings: Sendable {
    public private(set) var keys: [Action: [Key]]

    public static let defaults: [Action: [Key]] = [
        .help: [.function(1), .character("?")],
        .quit: [.control("q")],
        .nextTab: [.control("n"), .alt("]")],
        .previousTab: [.control("p"), .alt("[")],
        .tabCompose: [.function(2), .alt("1")],
        .tabLayout: [.function(3), .alt("2")],
        .tabStyle: [.function(4), .alt("3")],
        .tabParameters: [.function(5), .alt("4")],
        .tabRun: [.function(6), .alt("5")],
        .tabGallery: [.function(7), .alt("6")],
        .run: [.control("r")],
        .cancelJob: [.control("x"), .function(8)],
        .up: [.up, .character("k")],
        .down: [.down, .character("j")],
        .left: [.left, .character("h")],
        .right: [.right, .character("l")],
        .pageUp: [.pageUp],
        .pageDown: [.pageDown],
        .select: [.enter],
        .back: [.escape, .character("q")],
        .nextField: [.tab],
        .previousField: [.backTab],
        .insertChinese: [.character("z")],
        .strengthDown: [.character("[")],
        .strengthUp: [.character("]")],
        .controlRegion: [.character("a")],
        .nudgeMode: [.character("m")],
        .narrower: [.character("<")],
        .wider: [.character(">")],
        .shorter: [.character("-")],
        .taller: [.character("+")],
        .saveLayout: [.character("s")],
        .rerollSeed: [.character("n")],
        .toggleRandomSeed: [.character("r")],
        .lockSeed: [.character("L")],
        .info: [.character("i")],
        .rerun: [.character("R")],
        .rerunNewSeed: [.character("N")],
        .delete: [.character("d"), .delete],
        .refresh: [.character("g")],
    ]

    public init(overrides: [String: [String]] = [:]) throws {
        keys = Self.defaults
        for (name, spellings) in overrides {
            guard let action = Action(rawValue: name) else {
                throw SettingsError("keys.\(name): unknown action (known: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            keys[action] = try spellings.map { spelling in
                guard let key = Key(name: spelling) else {
                    throw SettingsError("keys.\(name): '\(spelling)' is not a key (examples: ctrl-r, alt-1, f5, tab, enter, q)")
                }
                return key
            }
        }
    }

    /// The actions a key triggers, in no particular order (context decides which applies).
    public func actions(for key: Key) -> Set<Action> {
        Set(keys.compactMap { $0.value.contains(key) ? $0.key : nil })
    }

    public func matches(_ key: Key, _ action: Action) -> Bool { keys[action]?.contains(key) ?? false }

    public func label(_ action: Action) -> String { (keys[action] ?? []).map(\.name).joined(separator: "/") }
}

public struct SettingsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
