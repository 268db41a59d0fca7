/// What a key may do (CONTRACT.md §2): `client` keys use the client routes,
/// `admin` keys the admin routes as well.
public enum APIKeyRole: String, Sendable, CaseIterable, Codable {
    case client
    case admin
}
