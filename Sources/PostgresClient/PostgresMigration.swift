import Foundation

/// One numbered SQL file of a schema: `0001_create_jobs.sql`.
public struct PostgresMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Every `NNNN_name.sql` in `directory`, in version order. A file not so
    /// named, or two files with one number, is an error, not skipped.
    public static func load(from directory: URL) throws -> [PostgresMigration] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        var migrations: [PostgresMigration] = []
        for file in files {
            let stem = file.deletingPathExtension().lastPathComponent
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let version = Int(parts[0]), version > 0 else {
                throw PostgresError(.migration, "\(file.lastPathComponent): expected NNNN_name.sql")
            }
            migrations.append(PostgresMigration(
                version: version, name: String(parts[1]), sql: try String(contentsOf: file, encoding: .utf8)
            ))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw PostgresError(.migration, "two migrations numbered \(next.version)")
        }
        return migrations
    }
}
