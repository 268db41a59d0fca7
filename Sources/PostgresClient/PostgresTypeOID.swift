/// The built-in type OIDs Docket sends parameters as (pg_type.dat).
enum PostgresTypeOID {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let float8: UInt32 = 701
    static let textArray: UInt32 = 1009
    static let int8Array: UInt32 = 1016
    static let timestamptz: UInt32 = 1184
    static let timestamptzArray: UInt32 = 1185
    static let uuid: UInt32 = 2950
    static let uuidArray: UInt32 = 2951
}
