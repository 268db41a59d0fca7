import BlobStore
import JobQueue
import NIOPosix
import PostgresClient
import RedisClient

/// What the routes use: the servers, the blob store, the token keys and the
/// settings. Built once per process and shared by every request.
public struct APIServices: Sendable {
    public let postgres: PostgresPool
    public let redis: RedisPool
    public let blobs: LocalBlobStore
    public let keyring: TokenKeyring
    public let settings: APISettings
    /// Rung after a commit that wrote jobs, when this process runs the relay.
    public let relayBell: RelayBell?
    public let metrics: APIMetrics
    /// Kept only while their `invalidation` service runs beside the server.
    public let caches: APICaches

    public init(
        postgres: PostgresPool, redis: RedisPool, blobs: LocalBlobStore, keyring: TokenKeyring,
        settings: APISettings, relayBell: RelayBell? = nil, metrics: APIMetrics = APIMetrics(),
        caches: APICaches = APICaches()
    ) {
        self.postgres = postgres
        self.redis = redis
        self.blobs = blobs
        self.keyring = keyring
        self.settings = settings
        self.relayBell = relayBell
        self.metrics = metrics
        self.caches = caches
    }

    /// Runs blocking file-system work off the cooperative pool.
    func onDisk<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
