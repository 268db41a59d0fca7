import DocketCore
import Testing

@Suite struct DocketConfigurationTests {
    let minimal = ["DATABASE_URL": "postgres://docket@127.0.0.1:5432/docket", "REDIS_URL": "redis://127.0.0.1:6379/0"]

    @Test func defaultsFollowTheContract() throws {
        let configuration = try DocketConfiguration(environment: minimal, requiring: [.database, .redis])
        #expect(configuration.apiHost == "127.0.0.1")
        #expect(configuration.apiPort == 8080)
        #expect(configuration.dataDirectory == ".docket")
        #expect(configuration.blobDirectory == ".docket/blobs")
        #expect(configuration.maxUploadBytes == 104_857_600)
        #expect(configuration.defaultQuotaBytes == 1_073_741_824)
        #expect(configuration.timing.uploadTTL == .seconds(3600))
        #expect(configuration.timing.downloadURLTTL == .seconds(300))
        #expect(configuration.timing.lease == .seconds(15))
        #expect(configuration.timing.shutdownGrace == .seconds(25))
        #expect(configuration.timing.orphanWarnCount == 10)
        #expect(configuration.timing.retainDead == .seconds(30 * 86400))
        #expect(configuration.timing.pdfMemoryBytes == 1 << 30)
    }

    @Test func valuesAreRead() throws {
        var environment = minimal
        environment["DOCKET_API_PORT"] = "9090"
        environment["DOCKET_DATA_DIR"] = "/var/docket"
        environment["DOCKET_LEASE"] = "30s"
        environment["DOCKET_PDF_MEMORY"] = "512MiB"
        environment["DOCKET_LOG_LEVEL"] = "DEBUG"
        let configuration = try DocketConfiguration(environment: environment)
        #expect(configuration.apiPort == 9090)
        #expect(configuration.blobDirectory == "/var/docket/blobs")
        #expect(configuration.timing.lease == .seconds(30))
        #expect(configuration.timing.pdfMemoryBytes == 512 << 20)
        #expect(configuration.logLevel == "debug")
    }

    @Test(arguments: [
        ("DOCKET_API_PORT", "abc"), ("DOCKET_API_PORT", "70000"), ("DOCKET_LEASE", "soon"), ("DOCKET_LEASE", "0"),
        ("DOCKET_MAX_UPLOAD_BYTES", "lots"), ("DOCKET_LOG_LEVEL", "loud"), ("REDIS_URL", "http://x"),
        ("REDIS_URL", "redis://host/db"), ("DATABASE_URL", "mysql://x"), ("DOCKET_SIGNING_KEY", "short"),
        ("DOCKET_ORPHAN_WARN_COUNT", "0"), ("DOCKET_VERIFY_KEYS", String(repeating: "k", count: 40) + ",short"),
    ])
    func aBadValueNamesItsVariable(variable: String, value: String) {
        var environment = minimal
        environment[variable] = value
        let error = #expect(throws: ConfigurationError.self) { try DocketConfiguration(environment: environment) }
        #expect(error?.variable == variable)
        #expect(error?.description.contains(variable) == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func aMissingRequiredURLIsNamed() {
        let error = #expect(throws: ConfigurationError.self) {
            try DocketConfiguration(environment: [:], requiring: .database)
        }
        #expect(error?.variable == "DATABASE_URL")
        #expect(throws: Never.self) { try DocketConfiguration(environment: [:]) }
    }

    @Test func conninfoIsAcceptedAsDatabaseURL() throws {
        let configuration = try DocketConfiguration(environment: ["DATABASE_URL": "host=/tmp dbname=docket sslmode=disable"])
        #expect(configuration.databaseURL == "host=/tmp dbname=docket sslmode=disable")
    }
}
