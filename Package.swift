// swift-tools-version:6.1
import PackageDescription

/// One list of settings for every target, tests included.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Docket",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "docketctl", targets: ["docketctl"]),
        .executable(name: "docket-bench", targets: ["docket-bench"]),
        .executable(name: "docket-api", targets: ["docket-api"]),
        .executable(name: "docket-pdf-sandbox", targets: ["docket-pdf-sandbox"]),
        .executable(name: "pdf-info-worker", targets: ["pdf-info-worker"]),
        .executable(name: "thumbnail-worker", targets: ["thumbnail-worker"]),
        .executable(name: "file-delete-worker", targets: ["file-delete-worker"]),
        .executable(name: "quota-worker", targets: ["quota-worker"]),
        .executable(name: "sweeper", targets: ["sweeper"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The HTTP server of docket-api (a fixed choice of the project). Its
        // default traits pull in swift-configuration, which Docket does not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        // /metrics: the Prometheus registry for docket-api's own figures (a fixed choice of the project).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // /admin: server-rendered pages from logic-less templates, so every value is HTML-escaped by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // C libraries: module maps only.
        .systemLibrary(
            name: "CHiredis",
            // No pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM rejects.
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(name: "CLibpq", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // poppler-glib brings glib, gobject and cairo.
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // prctl(2) and syscall(2) for the PDF child's seccomp filter: variadic in C, so wrapped in a header.
        .systemLibrary(name: "CSandbox"),

        // Running blocking C clients off the cooperative pool.
        .target(name: "BlockingIO", swiftSettings: swiftSettings),
        // UUIDs to and from text without Foundation's sscanf/sprintf: every
        // job id crosses Redis and Postgres as text several times.
        .target(name: "UUIDText", swiftSettings: swiftSettings),
        .target(
            name: "RedisClient",
            dependencies: [
                "CHiredis", "BlockingIO",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresClient",
            dependencies: ["CLibpq", "BlockingIO", "UUIDText", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // Docket's own modules.
        .target(name: "DocketCore", swiftSettings: swiftSettings),
        .target(name: "BlobStore", dependencies: ["DocketCore"], swiftSettings: swiftSettings),
        .target(name: "PDFProcessing", dependencies: ["CPoppler", "CTurboJPEG", "DocketCore"], swiftSettings: swiftSettings),
        // The parent's side of the PDF child processes, and the protocol both speak.
        .target(name: "PDFSandbox", dependencies: ["BlockingIO", "DocketCore", "PDFProcessing"], swiftSettings: swiftSettings),
        .target(
            name: "DocketSchema",
            dependencies: ["PostgresClient"],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "JobQueue",
            dependencies: [
                "DocketCore", "PostgresClient", "RedisClient", "UUIDText",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // What every worker executable shares: flags, settings, pools, the runtime under a service group.
        .target(
            name: "WorkerProcess",
            dependencies: [
                "DocketCore", "JobQueue", "PostgresClient", "RedisClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PDF jobs' handlers: pdf.info, thumbnail.cover, thumbnail.pages.
        .target(
            name: "DocumentJobs",
            dependencies: [
                "BlobStore", "BlockingIO", "DocketCore", "JobQueue", "PDFProcessing", "PDFSandbox", "PostgresClient",
                "WorkerProcess", .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The storage jobs' handlers: file.delete, quota.settle, quota.release.
        .target(
            name: "StorageJobs",
            dependencies: [
                "BlobStore", "BlockingIO", "DocketCore", "DocketStore", "JobQueue", "PostgresClient", "WorkerProcess",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The periodic sweeps and their once-per-period scheduler.
        .target(
            name: "Sweeping",
            dependencies: [
                "BlobStore", "BlockingIO", "DocketCore", "DocketStore", "JobQueue", "PostgresClient", "RedisClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DocketStore",
            dependencies: ["DocketCore", "PostgresClient", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DocketAPI",
            dependencies: [
                "DocketCore", "BlobStore", "DocketStore", "JobQueue", "PostgresClient", "RedisClient", "UUIDText",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // openapi.yaml, served at /openapi.yaml (the top-level openapi.yaml links here);
            // the upload page and the dashboard's scripts and styles (web/); the dashboard's templates.
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/web"), .copy("Resources/templates")],
            swiftSettings: swiftSettings
        ),

        // Executables.
        .executableTarget(
            name: "docketctl",
            dependencies: [
                "DocketCore", "DocketSchema", "DocketStore", "JobQueue", "PostgresClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "docket-api",
            dependencies: [
                "DocketAPI", "DocketCore", "BlobStore", "JobQueue", "PostgresClient", "RedisClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Worker executables: thin mains over WorkerProcess and their handlers.
        .executableTarget(
            name: "pdf-info-worker",
            dependencies: ["DocumentJobs", "WorkerProcess", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "workers/pdf-info",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "thumbnail-worker",
            dependencies: ["DocumentJobs", "WorkerProcess", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "workers/thumbnail",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "file-delete-worker",
            dependencies: [
                "StorageJobs", "WorkerProcess", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "workers/file-delete",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "quota-worker",
            dependencies: ["StorageJobs", "WorkerProcess", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "workers/quota",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sweeper",
            dependencies: [
                "BlobStore", "JobQueue", "Sweeping", "WorkerProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "workers/sweeper",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "docket-pdf-sandbox",
            dependencies: ["CSandbox", "DocketCore", "PDFProcessing", "PDFSandbox"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "docket-bench",
            dependencies: [
                "DocketCore", "DocketSchema", "DocketStore", "RedisClient", "PostgresClient", "JobQueue",
                // `docket-bench pdf` drives the sandbox's children as the thumbnail worker does.
                "BlobStore", "PDFSandbox", "docket-pdf-sandbox",
                // Its HTTP client, child processes and free ports drive docket-api in `docket-bench api`.
                "DocketTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests.
        .target(
            name: "DocketTesting",
            dependencies: [
                "BlockingIO", "CPoppler", "DocketCore", "DocketSchema", "RedisClient", "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DocketTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BlockingIOTests", dependencies: ["BlockingIO", "DocketTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "UUIDTextTests", dependencies: ["UUIDText"], swiftSettings: swiftSettings),
        .testTarget(name: "DocketCoreTests", dependencies: ["DocketCore"], swiftSettings: swiftSettings),
        .testTarget(name: "BlobStoreTests", dependencies: ["BlobStore", "DocketTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PDFProcessingTests",
            dependencies: ["PDFProcessing", "CPoppler", "CTurboJPEG", "DocketCore", "DocketTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PDFSandboxTests",
            dependencies: ["PDFSandbox", "PDFProcessing", "DocketCore", "DocketTesting", "docket-pdf-sandbox"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocketAPITests",
            dependencies: [
                "DocketAPI", "BlobStore", "DocketCore", "DocketSchema", "DocketStore", "DocketTesting", "JobQueue",
                "PostgresClient", "RedisClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RedisClientTests",
            dependencies: ["RedisClient", "DocketTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "DocketSchema", "DocketTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocketStoreTests",
            dependencies: ["DocketStore", "DocketSchema", "DocketTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocumentJobsTests",
            dependencies: ["DocumentJobs", "DocketTesting", "PDFProcessing", "PostgresClient"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SweepingTests",
            dependencies: ["Sweeping", "BlobStore", "DocketCore", "DocketSchema", "DocketStore", "DocketTesting", "JobQueue", "PostgresClient", "RedisClient",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JobQueueTests",
            dependencies: ["JobQueue", "DocketSchema", "DocketTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "BlockingIO", "DocketCore", "DocketTesting", "DocketSchema", "DocketStore", "JobQueue", "PostgresClient",
                "docketctl", "docket-bench", "docket-api", "pdf-info-worker", "thumbnail-worker", "docket-pdf-sandbox",
                "file-delete-worker", "quota-worker", "sweeper",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
