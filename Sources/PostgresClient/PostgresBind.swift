/// One query parameter in the form libpq sends it.
public struct PostgresBind: Sendable {
    /// Text or binary bytes; `nil` is SQL NULL.
    public var bytes: [UInt8]?
    /// The type OID, or 0 to let the server infer it from context.
    public var typeOID: UInt32
    public var isBinary: Bool

    public init(text: String?, typeOID: UInt32 = 0) {
        self.bytes = text.map { Array($0.utf8) }
        self.typeOID = typeOID
        self.isBinary = false
    }

    /// Text already as UTF-8 bytes.
    public init(textBytes: [UInt8], typeOID: UInt32) {
        self.bytes = textBytes
        self.typeOID = typeOID
        self.isBinary = false
    }

    public init(binary: [UInt8], typeOID: UInt32) {
        self.bytes = binary
        self.typeOID = typeOID
        self.isBinary = true
    }

    public static let null = PostgresBind(text: nil)
}

/// A Swift value that can be sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    var postgresBind: PostgresBind { get }
}
