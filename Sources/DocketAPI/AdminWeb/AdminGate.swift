import Crypto
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// Who may use /admin: the session cookie (HttpOnly, SameSite=Strict, path
/// /admin) names an open session; every POST must carry the session's CSRF
/// token and, when the browser sends one, an Origin of this host.
enum AdminGate {
    static let cookieName = "docket_admin"
    static let lifetime: Duration = .seconds(8 * 3600)

    /// The logged-in admin and the token the page's forms carry.
    struct Visit: Sendable {
        let principal: Principal
        let csrf: String
    }

    static func secret(_ request: Request) -> String? {
        request.cookies[cookieName]?.value
    }

    /// `Secure` when the browser came over https (a TLS proxy's
    /// `X-Forwarded-Proto`), so the session never travels in clear there.
    static func cookie(_ secret: String, for request: Request) -> Cookie {
        Cookie(name: cookieName, value: secret, maxAge: Int(lifetime.components.seconds), path: "/admin",
               secure: URLBuilder.scheme(request) == "https", httpOnly: true, sameSite: .strict)
    }

    static var clearedCookie: Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/admin", httpOnly: true, sameSite: .strict)
    }

    /// A cross-site POST is refused: SameSite already keeps the cookie off
    /// it, this also stops a login form posted from elsewhere.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority == host
    }

    /// The form's `csrf` field against the session's token, in constant time.
    static func csrfMatches(_ form: FormBody, secret: String) -> Bool {
        let expected = Array(AdminSessions.csrfToken(for: secret).utf8)
        let given = Array((form["csrf"] ?? "").utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
