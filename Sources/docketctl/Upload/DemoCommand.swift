import ArgumentParser
import Foundation

/// `docketctl demo`: makes a few PDFs, uploads them, and shows them flow
/// through the queues once a second until every document is processed.
/// Uses an admin key (it reads the queues; admin keys may upload too).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Upload a few generated PDFs and watch them flow through the queues."
    )

    @OptionGroup var api: APIOptions
    @Option(help: "How many PDFs to upload (1 to 50).") var documents = 6
    @Option(help: "Seconds to wait for them to be processed.") var wait = 300

    func validate() throws {
        guard (1...50).contains(documents) else { throw ValidationError("--documents must be from 1 to 50") }
    }

    func run() async throws {
        let client = try api.client(.admin)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("docket-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let uploader = DocumentUploader(client: client, wait: .seconds(wait))
        var ids: [String] = []
        for number in 1...documents {
            let pages = [1, 3, 12, 2, 30, 6][(number - 1) % 6]
            let file = folder.appendingPathComponent("demo-\(number).pdf")
            try DemoPDF.make(title: "Demo \(number)", pages: pages, hue: Double(number) / Double(documents + 1)).write(to: file)
            ids.append(try await uploader.send(file.path))
        }
        print("uploaded \(ids.count) documents; the queues, once a second:")
        let deadline = ContinuousClock.now + .seconds(wait)
        var settled: [DocketAPIClient.JSONObject] = []
        repeat {
            let queues = try await client.items("/v1/admin/queues")
            settled = try await ids.asyncMap { try await client.object("GET", "/v1/documents/\($0)") }
                .filter { !["processing", "uploading"].contains($0["status"] as? String ?? "") }
            print(Self.line(queues) + "  | documents processed \(settled.count)/\(ids.count)")
            if settled.count == ids.count { break }
            try await Task.sleep(for: .seconds(1))
        } while ContinuousClock.now < deadline
        print(UploadCommand.table(try await ids.asyncMap { try await client.object("GET", "/v1/documents/\($0)") }).rendered)
        print("see them at \(client.base)/ (with a client key) and the jobs at \(client.base)/admin")
        guard settled.count == ids.count else { throw CommandFailure(message: "not every document was processed within \(wait) s") }
    }

    /// `pdf.info 1 ready 2 running` … for the kinds with work in sight.
    static func line(_ queues: [DocketAPIClient.JSONObject]) -> String {
        queues.compactMap { queue -> String? in
            let counts = ["ready", "scheduled", "running", "dead"].compactMap { name -> String? in
                guard let count = queue[name] as? Int, count > 0 else { return nil }
                return "\(count) \(name)"
            }
            let processed = queue["processed_total"] as? Int ?? 0
            guard let kind = queue["kind"] as? String, !counts.isEmpty || processed > 0 else { return nil }
            return "\(kind): " + (counts + ["\(processed) done"]).joined(separator: " ")
        }.joined(separator: "  ")
    }
}

extension Array {
    /// `map` with an async transform, one element at a time.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
