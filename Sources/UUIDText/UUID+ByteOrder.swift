import Foundation

extension UUID {
    /// Whether `self` sorts before `other` as Postgres sorts `uuid` values:
    /// by their 16 bytes, most significant first (and so, for UUIDv7, by
    /// creation time). Statements that lock many rows take them in this
    /// order, so two of them never wait on each other in a cycle.
    public func precedesInByteOrder(_ other: UUID) -> Bool {
        withUnsafeBytes(of: uuid) { lhs in
            withUnsafeBytes(of: other.uuid) { rhs in
                for index in 0..<16 where lhs[index] != rhs[index] {
                    return lhs[index] < rhs[index]
                }
                return false
            }
        }
    }
}
