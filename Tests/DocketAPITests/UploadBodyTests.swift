import Crypto
import DocketAPI
import DocketTesting
import Foundation
import Testing

/// What a PUT body can do wrong, and that none of it loses the upload:
/// after each failure nothing is staged, the reservation still stands, and
/// the same URL takes a good body.
@Suite struct UploadBodyTests {
    func pending(_ stack: APITestStack, size: Int) async throws -> (key: String, url: String) {
        let (key, _) = try await stack.key()
        let created = try await stack.createUpload(key: key, size: size).json()
        return (key, created["upload_url"] as! String)
    }

    func expectRecoverable(_ stack: APITestStack, key: String, url: String, size: Int) async throws {
        #expect(try stack.blobs.stagingFiles().isEmpty)
        #expect(try await stack.json("GET", "/v1/quota", key: key).json()["reserved_bytes"] as? Int == size)
        let retried = try await stack.put(url, PDFFixtures.pdfNoise(size))
        #expect(retried.status == 201, "\(retried.text)")
    }

    @Test func moreThanDeclaredIs413() async throws {
        let stack = try await APITestStack.start()
        let (key, url) = try await pending(stack, size: 1000)
        // Content-Length says so: refused before a byte is read.
        let declared = try await stack.put(url, APITestStack.pdfBytes(1001))
        #expect(declared.status == 413)
        #expect(declared.errorCode == "body_too_large")
        // Chunked, no length up front: refused as soon as the limit is passed.
        // Socket I/O on a thread of its own, never the cooperative pool the server needs.
        let connection = try stack.client.open()
        let chunk = APITestStack.pdfBytes(4000)
        let answer = try await HTTPTestClient.offPool {
            try connection.writeHead("PUT", APITestStack.pathAndQuery(url), headers: ["Transfer-Encoding": "chunked"], contentLength: nil)
            try connection.write(Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10])
            return try connection.readResponse()
        }
        #expect(answer.status == 413)
        try await expectRecoverable(stack, key: key, url: url, size: 1000)
        try await stack.stop()
    }

    @Test func fewerThanDeclaredIs400() async throws {
        let stack = try await APITestStack.start()
        let (key, url) = try await pending(stack, size: 1000)
        let short = try await stack.put(url, APITestStack.pdfBytes(600))
        #expect(short.status == 400)
        #expect(short.errorCode == "invalid_input")
        let empty = try await stack.put(url, [])
        #expect(empty.errorCode == "empty_file")
        try await expectRecoverable(stack, key: key, url: url, size: 1000)
        try await stack.stop()
    }

    @Test func notAPDFIs415() async throws {
        let stack = try await APITestStack.start()
        let (key, url) = try await pending(stack, size: 1000)
        let png = try await stack.put(url, [0x89, 0x50, 0x4E, 0x47] + [UInt8](repeating: 1, count: 996))
        #expect(png.status == 415)
        #expect(png.errorCode == "unsupported_media_type")
        try await expectRecoverable(stack, key: key, url: url, size: 1000)
        try await stack.stop()
    }

    /// The `%PDF-` check sees the first five bytes even when they arrive in
    /// pieces: here two, with a pause so the server reads them apart.
    @Test func theMagicIsCheckedAcrossPieces() async throws {
        let stack = try await APITestStack.start()
        let (_, url) = try await pending(stack, size: 1000)
        func put(_ body: [UInt8]) async throws -> HTTPTestResponse {
            let connection = try stack.client.open()
            return try await HTTPTestClient.offPool {
                try connection.writeHead("PUT", APITestStack.pathAndQuery(url), headers: [:], contentLength: body.count)
                try connection.write(Array(body[0..<2]))
                Thread.sleep(forTimeInterval: 0.2)
                try connection.write(Array(body[2...]))
                return try connection.readResponse()
            }
        }
        var notPDF = APITestStack.pdfBytes(1000)
        notPDF[3] = UInt8(ascii: "X")
        let refused = try await put(notPDF)
        #expect(refused.status == 415)
        #expect(refused.errorCode == "unsupported_media_type")
        #expect(try stack.blobs.stagingFiles().isEmpty)
        let body = APITestStack.pdfBytes(1000)
        let stored = try await put(body)
        #expect(stored.status == 201, "\(stored.text)")
        #expect(try stored.json()["sha256"] as? String == SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined())
        try await stack.stop()
    }

    /// Half the body, then silence: 408 after the body timeout (2 s here).
    /// curl sends `Expect: 100-continue` with bodies over 1 MiB and waits a
    /// second for the answer: the 100 comes once the route wants the body,
    /// and a refused PUT gets its final answer with no 100 before it.
    @Test func expectContinueIsAnsweredOnlyWhenTheBodyIsWanted() async throws {
        let stack = try await APITestStack.start()
        let (_, url) = try await pending(stack, size: 2000)
        let path = APITestStack.pathAndQuery(url)
        let connection = try stack.client.open()
        let (interim, stored) = try await HTTPTestClient.offPool {
            try connection.writeHead("PUT", path, headers: ["Expect": "100-continue"], contentLength: 2000)
            let interim = try connection.readHead()
            try connection.write(APITestStack.pdfBytes(2000))
            return (interim, try connection.readResponse())
        }
        #expect(interim == 100)
        #expect(stored.status == 201, "\(stored.text)")
        let tampered = path.replacingOccurrences(of: "token=", with: "token=x")
        let refused = try await HTTPTestClient.offPool {
            let connection = try stack.client.open()
            try connection.writeHead("PUT", tampered, headers: ["Expect": "100-continue"], contentLength: 2000)
            return try connection.readResponse()
        }
        #expect(refused.errorCode == "token_invalid", "\(refused.status) \(refused.text)")
        try await stack.stop()
    }

    /// Many 1 MiB batches written and hashed in two lanes: the stored file
    /// and the SHA-256 are the body's, in order. 6.5 MB goes through the
    /// page cache; 9 MiB + 3 bytes (over `UploadFile.directFromBytes`)
    /// around it, in whole aligned blocks and a short tail.
    @Test(arguments: [6_500_000, 9 << 20 + 3])
    func aLargeBodyIsStoredWholeAndInOrder(size: Int) async throws {
        let stack = try await APITestStack.start()
        let body = PDFFixtures.pdfNoise(size)  // seven or more 1 MiB batches: past the four in flight
        let (key, url) = try await pending(stack, size: body.count)
        let stored = try await stack.put(url, body)
        #expect(stored.status == 201, "\(stored.text)")
        #expect(try stored.json()["sha256"] as? String == SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined())
        let document = try #require(try await stack.json("GET", "/v1/documents", key: key).json()["items"] as? [[String: Any]])
        let id = try #require(document.first?["id"] as? String)
        #expect(try await stack.json("POST", "/v1/uploads/\(try #require(stored.json()["upload_id"] as? String))/complete", key: key).status == 202)
        let link = try await stack.json("POST", "/v1/documents/\(id)/download-url", key: key, ["variant": "original"]).json()
        let downloaded = try await stack.get(try #require(link["url"] as? String))
        #expect(downloaded.status == 200)
        #expect(PDFFixtures.sameBytes(downloaded.body, body))
        try await stack.stop()
    }

    @Test func aStalledBodyIs408() async throws {
        let stack = try await APITestStack.start(settings: APISettings(
            maxUploadBytes: 10 << 20, uploadTTL: .seconds(3600), downloadURLTTL: .seconds(300), bodyTimeout: .seconds(2)
        ))
        let (key, url) = try await pending(stack, size: 100_000)
        let connection = try stack.client.open()
        let answer = try await HTTPTestClient.offPool {
            try connection.writeHead("PUT", APITestStack.pathAndQuery(url), headers: [:], contentLength: 100_000)
            try connection.write(APITestStack.pdfBytes(40_000))
            return try connection.readResponse()
        }
        #expect(answer.status == 408)
        #expect(answer.errorCode == "upload_timeout")
        connection.close()
        try await expectRecoverable(stack, key: key, url: url, size: 100_000)
        try await stack.stop()
    }

    /// The client goes away mid-body: the staged bytes go, the reservation stays.
    /// Through the page cache (3 MB) and around it (9 MiB + 3 bytes, whose
    /// direct writer is abandoned with blocks written and queued).
    @Test(arguments: [3_000_000, 9 << 20 + 3])
    func aClientThatDisconnectsLeavesNothingStaged(size: Int) async throws {
        // The stack's 60 s body timeout: the disconnect, not a 408, ends this body.
        let stack = try await APITestStack.start()
        let (key, url) = try await pending(stack, size: size)
        let connection = try stack.client.open()
        try await HTTPTestClient.offPool {
            try connection.writeHead("PUT", APITestStack.pathAndQuery(url), headers: [:], contentLength: size)
            try connection.write(PDFFixtures.pdfNoise(size / 2))
        }
        // Wait until the server has staged some of it, then vanish.
        try await waitUntil("a staging file") { try !stack.blobs.stagingFiles().isEmpty }
        connection.close()
        try await waitUntil("no staging file after the disconnect") { try stack.blobs.stagingFiles().isEmpty }
        // Counted, though no answer could be sent.
        let scrape = try await stack.client.send("GET", "/metrics")
        #expect(scrape.text.contains(#"docket_uploads_total{outcome="network_abort"} 1"#))
        try await expectRecoverable(stack, key: key, url: url, size: size)
        try await stack.stop()
    }

    func waitUntil(_ what: String, _ condition: () throws -> Bool) async throws {
        try await eventually(what) { try condition() }
    }
}
