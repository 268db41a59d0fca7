import DocketStore
import Hummingbird
import Logging
import ServiceLifecycle

/// docket-api's HTTP side: every route of CONTRACT.md §2 built so far,
/// behind the request-id and problem+json middleware; the client routes
/// behind a key.
public enum APIServer {
    public static func router(_ services: APIServices) -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: HTTPMetricsMiddleware(metrics: services.metrics))
        router.add(middleware: ProblemMiddleware())
        HealthRoutes(services: services).register(on: router)
        MetricsRoutes(services: services).register(on: router)
        BlobRoutes(services: services).register(on: router)
        let client = router.group("v1").add(middleware: AuthMiddleware())
        UploadRoutes(services: services).register(on: client)
        DocumentRoutes(services: services).register(on: client)
        QuotaRoutes(services: services).register(on: client)
        AdminRoutes(services: services).register(on: client)
        WebAssets.bundled.register(on: router)
        AdminWeb(services: services).register(on: router)
        return router
    }

    /// Fails when the resource bundle lacks the dashboard's templates or
    /// one does not parse: docket-api calls it before it starts serving.
    public static func checkResources() throws {
        _ = try AdminTemplates.loaded.get()
    }

    /// The server as a Service, for a ServiceGroup beside the relay and the
    /// reconciler. `onRunning` gets the bound port (useful with port 0).
    public static func application(
        _ services: APIServices, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(services),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [LargeReadsHandler(), ExpectContinueHandler()],
                idleTimeout: .seconds(Int64(2 * services.settings.bodyTimeout.components.seconds + 5))
            )),
            configuration: .init(address: .hostname(host, port: port), serverName: "docket-api"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
