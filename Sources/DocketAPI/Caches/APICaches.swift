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
    /// triggers' notifications; while it does not run, nothing is cached.
    public func invalidation(postgres: PostgresConfiguration, logger: Logger) -> some Service {
        Invalidation(caches: self, postgres: postgres, logger: logger)
    }

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
        let postgres: PostgresConfiguration
        let logger: Logger

        func run() async {
            let events = PostgresListener.events(
                configuration: postgres, channels: [APICaches.principalsChannel, APICaches.documentsChannel], logger: logger
            )
            await cancelWhenGracefulShutdown {
                for await event in events { caches.apply(event) }
            }
            caches.apply(.disconnected)
        }
    }
}
