import DocketCore
import Logging
import PostgresClient

/// How the Postgres-side commands (`migrate`, `keys`) reach the database:
/// settings from the environment, one connection, and every failure turned
/// into one clear line naming what was being done.
enum DatabaseAccess {
    static func run<R: Sendable>(
        _ action: String, _ body: (PostgresConnection, DocketConfiguration) async throws -> R
    ) async throws -> R {
        let settings = DocketConfiguration.loadOrExit(requiring: .database)
        let connection = PostgresConnection(
            configuration: PostgresConfiguration(settings.databaseURL!), logger: Logger(label: "docketctl")
        )
        do {
            let result = try await body(connection, settings)
            await connection.close()
            return result
        } catch {
            await connection.close()
            switch error {
            case let error as PostgresError: throw CommandFailure(message: "\(action) failed: \(error)")
            case let error as DocketError: throw CommandFailure(message: "\(action) failed: \(error.detail)")
            default: throw error
            }
        }
    }
}
