import DocketTesting
import Foundation
import Testing

@Suite struct OpenAPIDocumentTests {
    /// The served document is the repository's openapi.yaml, byte for byte.
    @Test func servedDocumentIsTheRepositorysOpenAPIYAML() async throws {
        let stack = try await APITestStack.start()
        let served = try await stack.client.send("GET", "/openapi.yaml")
        #expect(served.status == 200)
        #expect(served.headers["content-type"] == "application/yaml")
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try Data(contentsOf: repository.appendingPathComponent("openapi.yaml"))
        #expect(served.body == Array(file))
        #expect(served.text.hasPrefix("openapi: 3.1"))
        try await stack.stop()
    }
}
