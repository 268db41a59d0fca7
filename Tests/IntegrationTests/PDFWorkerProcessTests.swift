import DocketTesting
import Foundation
import PostgresClient
import Testing

/// pdf-info-worker and thumbnail-worker as real processes behind a real
/// docket-api: what a client sees through HTTP, hostile files, kill -9.
/// Serialized: each test runs its own stack of processes on two cores.
@Suite(.serialized) struct PDFWorkerProcessTests {
    @Test func anUploadBecomesReadyWithItsInfoAndThumbnails() async throws {
        try await DocketProcessStack.with { stack in
            let workers = [try stack.worker("pdf-info-worker"), try stack.worker("thumbnail-worker")]
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            PDFFixtures.make(folder + "/report.pdf", pages: [(612, 792), (842, 595), (200, 300)], title: "Annual report", author: "Ada")

            let id = try await stack.upload(folder + "/report.pdf")
            let ready = try await stack.document(id, reaching: ["ready", "failed"])
            #expect(ready["status"] as? String == "ready", "\(ready)")
            #expect(ready["page_count"] as? Int == 3)
            #expect(ready["title"] as? String == "Annual report")
            #expect(ready["author"] as? String == "Ada")
            #expect(ready["encrypted"] as? Bool == false)
            let pages = (ready["pages"] as? [[String: Any]]) ?? []
            #expect(pages.map { [$0["width_pt"] as? Double ?? 0, $0["height_pt"] as? Double ?? 0] } == [[612, 792], [842, 595], [200, 300]])
            let thumbnails = (ready["thumbnails"] as? [[String: Any]]) ?? []
            #expect(thumbnails.count == 1)
            #expect(thumbnails.first?["page"] as? Int == 1 && thumbnails.first?["width"] as? Int == 300 && thumbnails.first?["height"] as? Int == 388)

            // The cover through a download URL: a JPEG of the size recorded.
            let link = try await stack.client.json("POST", "/v1/documents/\(id)/download-url", key: stack.key, ["variant": "thumbnail", "page": 1])
            #expect(link.status == 200, "\(link.text)")
            let jpeg = try await stack.client.get(try #require(try link.json()["url"] as? String))
            #expect(jpeg.status == 200)
            #expect(jpeg.headers["content-type"]?.hasPrefix("image/jpeg") == true, "\(jpeg.headers)")
            let size = PDFFixtures.jpegSize(jpeg.body)
            #expect(size?.width == 300 && size?.height == 388)
            #expect(jpeg.body.count == thumbnails.first?["bytes"] as? Int)

            // Every page, twice: the rerun overwrites rows and files, never adds.
            for _ in 0..<2 {
                let asked = try await stack.client.json("POST", "/v1/documents/\(id)/thumbnails", key: stack.key)
                #expect(asked.status == 202, "\(asked.text)")
                let job = try await stack.job("thumbnail.pages", of: id, reaching: "succeeded")
                let progress = job["progress"] as? [String: Any]
                #expect(progress?["done"] as? Int == 3 && progress?["total"] as? Int == 3, "\(job)")
            }
            let all = try await stack.document(id)
            #expect(((all["thumbnails"] as? [[String: Any]]) ?? []).map { [$0["page"] as? Int ?? 0, $0["width"] as? Int ?? 0, $0["height"] as? Int ?? 0] }
                == [[1, 300, 388], [2, 300, 212], [3, 267, 400]])
            let rows = try await stack.postgres.query("SELECT count(*) FROM thumbnails WHERE document_id = $1::uuid", id).scalar(Int.self)
            #expect(rows == 3)
            let files = try FileManager.default.contentsOfDirectory(atPath: try Self.thumbsFolder(stack, id))
            #expect(files.sorted() == ["p0001.jpg", "p0002.jpg", "p0003.jpg"])

            // refresh-info reruns pdf.info without duplicating its pages.
            #expect(try await stack.client.json("POST", "/v1/documents/\(id)/refresh-info", key: stack.key).status == 202)
            _ = try await stack.job("pdf.info", of: id, reaching: "succeeded")
            let pageRows = try await stack.postgres.query("SELECT count(*) FROM document_pages WHERE document_id = $1::uuid", id).scalar(Int.self)
            #expect(pageRows == 3)

            // regenerate-thumbnail reruns thumbnail.cover over the same row and file.
            #expect(try await stack.client.json("POST", "/v1/documents/\(id)/regenerate-thumbnail", key: stack.key).status == 202)
            try await WorkerCrashTests.waitUntil(60) {
                try await stack.postgres.query(
                    "SELECT count(*) FROM jobs WHERE document_id = $1::uuid AND kind = 'thumbnail.cover' AND state = 'succeeded'", id
                ).scalar(Int.self) == 2
            }
            #expect(try await stack.document(id)["status"] as? String == "ready")
            #expect(try await stack.postgres.query("SELECT count(*) FROM thumbnails WHERE document_id = $1::uuid", id).scalar(Int.self) == 3)

            // SIGTERM: both workers stop gracefully, with status 0.
            for worker in workers { worker.send(SIGTERM) }
            for worker in workers { #expect(await worker.exitStatus() == 0) }
        }
    }

    @Test func hostileFilesEndFailedAndTheWorkersGoOn() async throws {
        try await DocketProcessStack.with(pdfTimeout: "2s") { stack in
            let workers = [try stack.worker("pdf-info-worker"), try stack.worker("thumbnail-worker")]
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            PDFFixtures.make(folder + "/plain.pdf", pages: [(612, 792)])
            try await PDFFixtures.encrypt(folder + "/plain.pdf", folder + "/locked.pdf", user: "sesame", owner: "owner")
            try PDFFixtures.zeroPages(folder + "/empty.pdf")
            try await PDFFixtures.renderBomb(folder + "/bomb.pdf", segments: 3_000_000)
            try Data("%PDF-1.7\nnothing of a PDF follows\n".utf8).write(to: URL(fileURLWithPath: folder + "/garbage.pdf"))

            let expected: [(String, Set<String>)] = [
                ("locked.pdf", ["pdf_encrypted"]), ("empty.pdf", ["pdf_invalid"]), ("garbage.pdf", ["pdf_invalid"]),
                ("bomb.pdf", ["pdf_timeout", "pdf_resource_limit"]),
            ]
            for (name, codes) in expected {
                let id = try await stack.upload(folder + "/" + name)
                let failed = try await stack.document(id, reaching: ["ready", "failed"])
                #expect(failed["status"] as? String == "failed", "\(name): \(failed)")
                let error = failed["error"] as? [String: Any]
                #expect(codes.contains(error?["error_code"] as? String ?? ""), "\(name): \(String(describing: error))")
                #expect((error?["message"] as? String)?.isEmpty == false)
            }
            // Not retried: each dead job ran once.
            let attempts = try await stack.postgres.query(
                "SELECT max(attempt) FROM jobs WHERE kind IN ('pdf.info', 'thumbnail.cover') AND state = 'dead'"
            ).scalar(Int.self)
            #expect(attempts == 1)
            // The same worker processes go on with a good file.
            for worker in workers { #expect(kill(worker.pid, 0) == 0, "a worker died") }
            let good = try await stack.upload(folder + "/plain.pdf")
            #expect(try await stack.document(good, reaching: ["ready", "failed"])["status"] as? String == "ready")
        }
    }

    /// kill -9 of a thumbnail-worker in the middle of `thumbnail.pages`: its
    /// children go with it, the job runs again after its lease, and the
    /// document ends with each page's thumbnail once.
    @Test func aKilledThumbnailWorkersJobCompletesOnceAfterItsLease() async throws {
        try await DocketProcessStack.with { stack in
            _ = try stack.worker("pdf-info-worker")
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            // Pages of a few milliseconds each: the job lasts seconds.
            try await PDFFixtures.scribbles(folder + "/long.pdf", pages: 200, segments: 3_000)
            let doomed = try stack.worker("thumbnail-worker")
            let id = try await stack.upload(folder + "/long.pdf")
            _ = try await stack.document(id, reaching: ["ready"])
            #expect(try await stack.client.json("POST", "/v1/documents/\(id)/thumbnails", key: stack.key).status == 202)
            // Some pages done, not all: the worker is mid-job.
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                let jobs = (try await stack.document(id)["jobs"] as? [[String: Any]]) ?? []
                let progress = jobs.last(where: { $0["kind"] as? String == "thumbnail.pages" })?["progress"] as? [String: Any]
                if let done = progress?["done"] as? Int, done > 0 { break }
                guard ContinuousClock.now < deadline else { throw HTTPTestError("thumbnail.pages never reported progress") }
                try await Task.sleep(for: .milliseconds(50))
            }
            doomed.send(SIGKILL)
            #expect(await doomed.exitStatus() == 128 + SIGKILL)
            // Its PDF children die with it rather than render on for nobody.
            let orphansGone = ContinuousClock.now + .seconds(1)
            while !Self.sandboxChildren(of: doomed.pid).isEmpty && ContinuousClock.now < orphansGone {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(Self.sandboxChildren(of: doomed.pid).isEmpty)
            _ = try stack.worker("thumbnail-worker")
            let job = try await stack.job("thumbnail.pages", of: id, reaching: "succeeded", within: 120)
            let jobID = try #require(job["id"] as? String)
            let attempt = try await stack.postgres.query("SELECT attempt FROM jobs WHERE id = $1::uuid", jobID).scalar(Int.self)
            #expect(attempt == 2)
            let rows = try await stack.postgres.query(
                "SELECT count(*), count(DISTINCT page) FROM thumbnails WHERE document_id = $1::uuid", id
            ).first
            #expect(try rows?.decode(0, as: Int.self) == 200 && rows?.decode(1, as: Int.self) == 200)
            // (A write the kill cut short leaves a staging file for the orphan sweeper.)
            let files = try FileManager.default.contentsOfDirectory(atPath: try Self.thumbsFolder(stack, id))
            #expect(files.filter { $0.hasSuffix(".jpg") }.count == 200)
        }
    }

    /// Live docket-pdf-sandbox processes started by `parent` (`--parent PID`).
    static func sandboxChildren(of parent: pid_t) -> [String] {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.filter { entry in
            guard Int(entry) != nil, let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.first?.hasSuffix("docket-pdf-sandbox") == true, let flag = arguments.firstIndex(of: "--parent") else { return false }
            let state = (try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            return flag + 1 < arguments.count && arguments[flag + 1] == String(parent) && state != "Z"
        }
    }

    static func thumbsFolder(_ stack: DocketProcessStack, _ document: String) throws -> String {
        let user = try #require(try FileManager.default.contentsOfDirectory(atPath: stack.dataDirectory + "/blobs").first)
        return "\(stack.dataDirectory)/blobs/\(user)/\(document)/thumbs"
    }
}
