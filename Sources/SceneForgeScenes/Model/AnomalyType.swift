/// Where an anomaly typically appears on the screen.
public enum Placement: String, CaseIterable, Sendable {
    case centre, top, bottom
    case lowerThird = "lower_third"
    case fullPage = "full_page"
    case region, inline, list

    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One entry of the anomaly taxonomy (Data/anomalies.toml).
public struct AnomalyType: Equatable, Sendable {
    /// snake_case identifier used by layouts and output records ("dialog_blocking").
    public var id: String
    public var name: String
    public var description: String
    /// Default prompt fragments describing the anomaly, for English and Chinese prompts.
    public var promptEN: String
    public var promptZH: String
    /// What a correct agent does, as a snake_case id for records ("dismiss_then_continue")...
    public var expectedAction: String
    /// ...and as a sentence for people.
    public var expectedActionDescription: String
    public var placements: [Placement]
    /// The box kinds an anomaly of this type is built from; layouts may only flag these.
    public var boxKinds: [BoxKind]
    public var source: String

    public init(
        id: String, name: String, description: String, promptEN: String, promptZH: String,
        expectedAction: String, expectedActionDescription: String, placements: [Placement],
        boxKinds: [BoxKind], source: String = "<memory>"
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.promptEN = promptEN
        self.promptZH = promptZH
        self.expectedAction = expectedAction
        self.expectedActionDescription = expectedActionDescription
        self.placements = placements
        self.boxKinds = boxKinds
        self.source = source
    }
}
