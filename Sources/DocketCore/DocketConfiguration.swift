import Foundation

/// Docket's settings (CONTRACT.md §1), read once from the environment at
/// start-up and validated: a bad value throws a `ConfigurationError` naming
/// the variable, and the process prints it and exits.
public struct DocketConfiguration: Sendable {
    /// Which connection settings an executable cannot run without.
    public struct Requirements: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let database = Requirements(rawValue: 1)
        public static let redis = Requirements(rawValue: 2)
    }

    public var databaseURL: String?
    public var redisURL: String?
    public var dataDirectory: String
    public var blobDirectory: String
    public var apiHost: String
    public var apiPort: Int
    public var signingKey: String?
    /// Older signing keys still accepted (rotation), from `DOCKET_VERIFY_KEYS`.
    public var verifyingKeys: [String]
    public var logLevel: String
    public var maxUploadBytes: Int
    public var defaultQuotaBytes: Int
    public var timing: DocketTiming

    /// Reads and validates every setting in `environment`; `required` lists
    /// the connection URLs this process needs.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                requiring required: Requirements = []) throws {
        let reader = SettingReader(environment: environment)
        databaseURL = try reader.databaseURL("DATABASE_URL", required: required.contains(.database))
        redisURL = try reader.redisURL("REDIS_URL", required: required.contains(.redis))
        dataDirectory = reader.string("DOCKET_DATA_DIR") ?? ".docket"
        blobDirectory = reader.string("DOCKET_BLOB_DIR") ?? (dataDirectory as NSString).appendingPathComponent("blobs")
        apiHost = reader.string("DOCKET_API_HOST") ?? "127.0.0.1"
        apiPort = try reader.integer("DOCKET_API_PORT", default: 8080, in: 1...65535)
        signingKey = try reader.signingKey("DOCKET_SIGNING_KEY")
        verifyingKeys = try reader.signingKeys("DOCKET_VERIFY_KEYS")
        logLevel = try reader.oneOf(
            "DOCKET_LOG_LEVEL", default: "info",
            ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        )
        maxUploadBytes = try reader.byteCount("DOCKET_MAX_UPLOAD_BYTES", default: 104_857_600, minimum: 1)
        defaultQuotaBytes = try reader.byteCount("DOCKET_DEFAULT_QUOTA_BYTES", default: 1_073_741_824, minimum: 0)
        timing = try DocketTiming(reader: reader)
    }

    /// Reads the configuration or, on a bad setting, prints its one line to
    /// stderr and exits with status 2. For executables' `main`.
    public static func loadOrExit(requiring required: Requirements = []) -> DocketConfiguration {
        do {
            return try DocketConfiguration(requiring: required)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
    }
}
