import ArgumentParser
import DocketCore
import DocketSchema
import DocketStore
import DocketTesting
import Foundation
import PostgresClient

/// `docket-bench api`: docket-api's upload path and token issue, each beside
/// a peer from the same run. A 100 MB PUT (streamed to disk, fsynced,
/// renamed) beside `dd … conv=fsync` writing as much to the same folder,
/// with docket-api's resident growth during the PUT; and
/// `POST /v1/documents/{id}/download-url` (authenticate, read the document,
/// sign a token) beside `/health/live` of the same binary, both under wrk.
struct APIBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api", abstract: "PUT throughput beside dd, RSS during it, token issue beside a trivial route (wrk)."
    )

    @Option(help: "Folder for blobs and dd's file (the disk being measured).") var dir = "/var/tmp/docket-api-bench"
    @Option(help: "Upload size in MiB.") var megabytes = 100
    @Option(help: "PUT and dd runs each (the median is reported).") var rounds = 3
    @Option(help: "Seconds per wrk run.") var seconds = 10
    @Option(help: "wrk connections.") var connections = 32

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: [.database, .redis])
        let size = megabytes << 20
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let postgres = PostgresPool(configuration: PostgresConfiguration(settings.databaseURL!))
        try await PostgresMigrator.migrate(try DocketSchema.migrations(), on: PostgresConnection(configuration: postgres.configuration))
        let key = try await postgres.transaction {
            try APIKeys.create(userName: "bench-\(UUID())", role: .client, quotaBytes: 1 << 40, defaultQuotaBytes: 0, in: $0)
        }.secret.text
        let server = try await APIServerProcess.start(environment: [
            "DOCKET_DATA_DIR": dir, "DOCKET_BLOB_DIR": dir + "/blobs", "DOCKET_LOG_LEVEL": "warning",
            "DOCKET_MAX_UPLOAD_BYTES": String(size), "DOCKET_SIGNING_KEY": "bench-signing-key-" + UUID().uuidString,
        ])
        defer { Task { await server.stop() } }
        let body = dir + "/body.pdf"
        try Uploader.writeBody(bytes: size, to: body)
        let uploader = Uploader(client: server.client, key: key, body: body)

        var putRates: [Double] = [], ddRates: [Double] = [], growths: [Int] = []
        var document = ""
        for _ in 0..<rounds {
            let baseline = try server.residentBytes()
            try server.resetPeak()
            let (seconds, uploaded) = try await uploader.putOnce(bytes: size)
            putRates.append(Double(size) / seconds / 1e6)
            growths.append(try server.peakResidentBytes() - baseline)
            document = uploaded
            ddRates.append(try await DiskWrite.rate(megabytes: megabytes, in: dir))
        }
        let growthMB = Double(growths.max() ?? 0) / Double(1 << 20)
        BenchResult(bench: "api", figure: "put_\(megabytes)mib", unit: "mb_per_s", docket: median(putRates),
                    peer: median(ddRates), peerName: "dd_conv_fsync").print()
        print("RESULT bench=api figure=put_rss_growth unit=mib docket=\(String(format: "%.1f", growthMB)) target_below=32")

        let lua = try Wrk.script(in: dir, method: "POST", body: #"{"variant": "original"}"#, headers: [
            "Authorization": "Bearer \(key)", "Content-Type": "application/json",
        ])
        let base = "http://127.0.0.1:\(server.client.port)"
        let issue = try await Wrk.requestsPerSecond(
            url: "\(base)/v1/documents/\(document)/download-url", script: lua, seconds: seconds, connections: connections
        )
        let hello = try await Wrk.requestsPerSecond(url: "\(base)/health/live", script: nil, seconds: seconds, connections: connections)
        BenchResult(bench: "api", figure: "token_issue", unit: "req_per_s", docket: issue, peer: hello, peerName: "health_live").print()
        await server.stop()
        await postgres.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func median(_ values: [Double]) -> Double { DocumentTimings.median(values) }
}
