/// A handle to a DOM element inside one browsing context of one session.
///
/// It is only the opaque reference chromedriver handed out, so it is cheap to copy and Sendable;
/// it goes stale ("stale element reference") when the page navigates or the node is removed.
public struct WebElement: Sendable, Hashable, CustomStringConvertible {
    /// The W3C "web element identifier": the JSON key under which references travel.
    public static let referenceKey = "element-6066-11e4-a52e-4f735466cecf"

    /// chromedriver's opaque reference for the element.
    public let id: String

    public init(id: String) { self.id = id }

    /// The JSON form, for passing the element as an argument to `executeScript`
    /// (the browser turns it back into the DOM node).
    public var jsonValue: JSONValue { .object([Self.referenceKey: .string(id)]) }

    public var description: String { "WebElement(\(id))" }
}

extension JSONValue {
    /// Builds an element argument for `executeScript`.
    public static func element(_ element: WebElement) -> JSONValue { element.jsonValue }

    /// The element this value refers to, when a script returned a DOM node.
    public var elementValue: WebElement? {
        self[WebElement.referenceKey]?.stringValue.map(WebElement.init(id:))
    }
}
