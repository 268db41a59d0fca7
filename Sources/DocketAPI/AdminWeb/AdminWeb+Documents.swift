import DocketCore
import DocketStore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

extension AdminWeb {
    struct DocumentView {
        struct Found {
            let id: String
            let owner: String
            let filename: String
            let status: String
            let size: Int64
            let pages: Int?
            let version: String?
            let title: String?
            let errorCode: String?
            let errorMessage: String?
            let thumbnails: Int
        }
        let admin: String
        let csrf: String
        let query: String
        let document: Found?
        let jobs: [AdminViews.JobRow]
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
        guard let (visit, found, jobs) = lookedUp.map({ ($0.visit, $0.found, $0.jobs) }) else { return toLogin }
        let document = found.map { found -> DocumentView.Found in
            let d = found.document
            return .init(id: d.id.lowercasedString, owner: found.owner, filename: d.filename, status: d.status.rawValue, size: d.sizeBytes,
                         pages: d.pageCount, version: d.pdfVersion, title: d.title, errorCode: d.errorCode, errorMessage: d.errorMessage,
                         thumbnails: d.thumbnails.count)
        }
        let view = DocumentView(admin: visit.principal.userName, csrf: visit.csrf, query: text, document: document,
                                jobs: jobs.map(AdminViews.JobRow.init), missing: id != nil && found == nil)
        return HTMLResponse.page(AdminTemplates.render(view, "document"), status: id != nil && found == nil ? .notFound : .ok)
    }
}
