import BlobStore
import DocketStore
import Foundation
import Logging
import PostgresClient
import ServiceLifecycle

/// What docket-api keeps in memory so a request can skip its Postgres hop:
/// who a key belongs to, and where a document's original lies. Each replica
/// forgets an entry when the change's NOTIFY arrives (the triggers of
/// migration 0008 send them at commit, whoever made the change), so a
/// revoked key or a deleted document is refused within milliseconds of the
/// commit, and never kept while no listener is connected.
public struct APICaches: Sendable {
    /// The document's owner and its original, for a document whose file is stored.
    struct StoredOriginal: Sendable, Equatable {
        let userID: UUID
        let blobKey: BlobKey
    }

    static let principalsChannel = "docket_principals"
    static let documentsChannel = "docket_documents"

    /// Principals by the SHA-256 of their key.
    let principals = NotifiedCache<Data, Principal>()
    let originals = NotifiedCache<UUID, StoredOriginal>()

    public init() {}

    /// The Service that keeps the caches honest: it LISTENs for the
    /// triggers' notifications; while it does not run, or the triggers are
    /// missing (a database not migrated to 0008), nothing is cached.
    public func invalidation(postgres: PostgresPool, logger: Logger) -> some Service {
        Invalidation(caches: self, postgres: postgres, logger: logger)
    }

    /// The triggers of migration 0008 that send the notifications.
    static let triggers = ["api_keys_notify_principals", "users_notify_principals", "documents_notify_deleted", "documents_notify_removed"]

    func apply(_ event: PostgresListenerEvent) {
        switch event {
        case .listening:
            principals.setListening(true)
            originals.setListening(true)
        case .disconnected:
            principals.setListening(false)
            originals.setListening(false)
        case .notification(let notification) where notification.channel == Self.principalsChannel:
            principals.removeAll()
        case .notification(let notification):
            if let id = UUID(uuidString: notification.payload) { originals.remove(id) } else { originals.removeAll() }
        }
    }

    private struct Invalidation: Service {
        let caches: APICaches
        let postgres: PostgresPool
        let logger: Logger

        func run() async {
            let events = PostgresListener.events(
                configuration: postgres.configuration,
                channels: [APICaches.principalsChannel, APICaches.documentsChannel], logger: logger
            )
            await cancelWhenGracefulShutdown {
                for await event in events {
                    if event == .listening, await !triggersInstalled() { continue }
                    caches.apply(event)
                }
            }
            caches.apply(.disconnected)
        }

        /// Checked at every (re)connect: without the triggers no change would be heard.
        private func triggersInstalled() async -> Bool {
            let names = APICaches.triggers.map { "'\($0)'" }.joined(separator: ", ")
            do {
                let found = try await postgres.query(
                    "SELECT count(DISTINCT tgname) FROM pg_trigger WHERE tgname IN (\(names)) AND NOT tgisinternal"
                ).scalar(Int.self)
                if found == APICaches.triggers.count { return true }
                logger.warning("docket-api keeps nothing in memory: the cache triggers are missing; run docketctl migrate")
            } catch {
                logger.warning("docket-api keeps nothing in memory: cannot check the cache triggers", metadata: ["error": "\(error)"])
            }
            return false
        }
    }
}
