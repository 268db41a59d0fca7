import DocketCore

/// The settings the routes need, taken from `DocketConfiguration` (tests
/// set them directly).
public struct APISettings: Sendable {
    public var maxUploadBytes: Int64
    public var uploadTTL: Duration
    public var downloadURLTTL: Duration
    /// A PUT body that sends nothing for this long is answered 408.
    public var bodyTimeout: Duration

    public init(maxUploadBytes: Int64, uploadTTL: Duration, downloadURLTTL: Duration, bodyTimeout: Duration) {
        self.maxUploadBytes = maxUploadBytes
        self.uploadTTL = uploadTTL
        self.downloadURLTTL = downloadURLTTL
        self.bodyTimeout = bodyTimeout
    }

    public init(configuration: DocketConfiguration) {
        self.init(
            maxUploadBytes: Int64(configuration.maxUploadBytes), uploadTTL: configuration.timing.uploadTTL,
            downloadURLTTL: configuration.timing.downloadURLTTL, bodyTimeout: configuration.timing.bodyTimeout
        )
    }
}
