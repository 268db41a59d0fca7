import DocketCore
import DocketStore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

extension AdminWeb {
    /// The page shows the document as `GET /v1/documents/{id}` does
    /// (`DocumentBody`), its owner, and its jobs as the admin API lists them.
    struct DocumentView {
        let admin: String
        let csrf: String
        let query: String
        let document: DocumentBody?
        let owner: String?
        let jobs: [AdminJob]
        let missing: Bool
    }

    struct Lookup: Sendable {
        let visit: AdminGate.Visit
        let found: (document: DocumentRecord, owner: String)?
        let jobs: [JobSummary]
    }

    /// Any user's document by id, with its jobs.
    func document(_ request: Request) async throws -> Response {
        let text = request.uri.queryParameters["id"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        let id = text.isEmpty ? nil : UUID(uuidString: text)
        if !text.isEmpty, id == nil { throw DocketError(.invalidInput, "\(text) is not a document id (a UUID)") }
        let lookedUp = try await visit(request) { visit, session -> Lookup in
            guard let id else { return Lookup(visit: visit, found: nil, jobs: []) }
            return Lookup(visit: visit, found: try Documents.lookup(id: id, in: session), jobs: try JobLedger.jobs(ofDocument: id, in: session))
        }
        guard let lookedUp else { return toLogin }
        let missing = id != nil && lookedUp.found == nil
        let view = DocumentView(
            admin: lookedUp.visit.principal.userName, csrf: lookedUp.visit.csrf, query: text,
            document: lookedUp.found.map { DocumentBody($0.document, jobs: lookedUp.jobs) }, owner: lookedUp.found?.owner,
            jobs: lookedUp.found == nil ? [] : lookedUp.jobs.map(AdminJob.init), missing: missing
        )
        return HTMLResponse.page(try AdminTemplates.render(view, "document"), status: missing ? .notFound : .ok)
    }
}
