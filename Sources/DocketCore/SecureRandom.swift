/// Bytes for secrets (API keys, signing keys, token nonces). The system
/// generator reads the kernel's CSPRNG (getrandom on Linux).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
