import Foundation
import PostgresClient

/// Docket's database schema: the numbered SQL files in `Migrations/`,
/// shipped as resources. One ordered list for every table of every module,
/// so a fresh database and an old one end in the same state.
public enum DocketSchema {
    /// The migrations in version order.
    public static func migrations() throws -> [PostgresMigration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(.migration, "the Migrations resource folder is missing from the bundle")
        }
        return try PostgresMigration.load(from: directory)
    }
}
