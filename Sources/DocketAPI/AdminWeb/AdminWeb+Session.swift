import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

extension AdminWeb {
    struct LoginView {
        let problem: String?
    }

    func login(_ request: Request, problem: String?) throws -> Response {
        HTMLResponse.page(try AdminTemplates.render(LoginView(problem: problem), "login"), status: problem == nil ? .ok : .unauthorized)
    }

    /// Opens a session for a live admin key; a client key or an unknown
    /// one gets the form again with a plain message.
    func logIn(_ request: Request) async throws -> Response {
        let form = try await FormBody.read(request)
        guard AdminGate.sameOrigin(request) else { throw DocketError(.forbidden, "a login form from another site is refused") }
        guard let key = form["key"] else { return try login(request, problem: "Paste an admin API key.") }
        let opened = try await services.postgres.transaction {
            try AdminSessions.open(with: APIKeySecret(text: key), lifetime: AdminGate.lifetime, in: $0)
        }
        guard let opened else { return try login(request, problem: "That is not a live admin key.") }
        var headers = HTTPFields()
        headers[.setCookie] = AdminGate.cookie(opened.secret, for: request).description
        return HTMLResponse.redirect(to: "/admin", headers: headers)
    }

    func logOut(_ request: Request) async throws -> Response {
        _ = try await postedForm(request)
        if let secret = AdminGate.secret(request) {
            try await services.postgres.withSession { try AdminSessions.close(secret, in: $0) }
        }
        return toLogin
    }
}
