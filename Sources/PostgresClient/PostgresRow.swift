/// One result row: the raw text of each column, decoded on request.
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let values: [[UInt8]?]

    /// The value of column `index` (0-based) as `T`.
    public func decode<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard values.indices.contains(index) else {
            throw PostgresError(.decoding, "no column \(index) (the row has \(values.count))")
        }
        do {
            guard let bytes = values[index] else { return try T.postgresNull() }
            return try T(postgresText: bytes[...])
        } catch let error as PostgresError {
            throw PostgresError(.decoding, "column \(columns.names[index]): \(error.message)")
        }
    }

    /// The value of the column named `name` as `T`.
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.index(of: name) else {
            throw PostgresError(.decoding, "no column named \(name)")
        }
        return try decode(index, as: type)
    }

    public var count: Int { values.count }
}

/// The column names of a result, shared by all of its rows.
final class PostgresColumns: Sendable {
    let names: [String]
    private let indexByName: [String: Int]

    init(names: [String]) {
        self.names = names
        var indexByName: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexByName[name] == nil { indexByName[name] = index }
        self.indexByName = indexByName
    }

    func index(of name: String) -> Int? { indexByName[name] }
}

/// The rows of one statement and the count of rows it changed.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let rows: [PostgresRow]
    /// Rows inserted, updated or deleted (PQcmdTuples); 0 for other statements.
    public let affectedRows: Int

    public var startIndex: Int { rows.startIndex }
    public var endIndex: Int { rows.endIndex }
    public subscript(position: Int) -> PostgresRow { rows[position] }

    /// The first row's first column as `T`, or nil when there is no row.
    public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T? {
        try rows.first?.decode(0, as: type)
    }
}
