/// The timing settings of CONTRACT.md §1, with their defaults.
public struct DocketTiming: Sendable, Equatable {
    public var uploadTTL: Duration
    public var downloadURLTTL: Duration
    /// An upload body that sends nothing for this long is answered 408.
    public var bodyTimeout: Duration
    public var lease: Duration
    public var shutdownGrace: Duration
    public var sweepOrphansEvery: Duration
    public var orphanMaxAge: Duration
    public var orphanWarnCount: Int
    public var sweepPendingEvery: Duration
    public var sweepStuckEvery: Duration
    public var stuckAfter: Duration
    public var retainSucceeded: Duration
    public var retainDead: Duration
    /// How often the ledger-retention sweep runs (DESIGN.md: hourly).
    public var sweepRetentionEvery: Duration
    /// How often every user's quota figures are checked against their documents.
    public var sweepQuotaEvery: Duration
    public var pdfTimeout: Duration
    public var pdfMemoryBytes: Int

    init(reader: SettingReader) throws {
        uploadTTL = try reader.duration("DOCKET_UPLOAD_TTL", default: .seconds(3600))
        downloadURLTTL = try reader.duration("DOCKET_DOWNLOAD_URL_TTL", default: .seconds(300))
        bodyTimeout = try reader.duration("DOCKET_BODY_TIMEOUT", default: .seconds(30))
        lease = try reader.duration("DOCKET_LEASE", default: .seconds(15))
        shutdownGrace = try reader.duration("DOCKET_SHUTDOWN_GRACE", default: .seconds(25), allowZero: true)
        sweepOrphansEvery = try reader.duration("DOCKET_SWEEP_ORPHANS_EVERY", default: .seconds(600))
        orphanMaxAge = try reader.duration("DOCKET_ORPHAN_MAX_AGE", default: .seconds(3600))
        orphanWarnCount = try reader.integer("DOCKET_ORPHAN_WARN_COUNT", default: 10, in: 1...Int.max)
        sweepPendingEvery = try reader.duration("DOCKET_SWEEP_PENDING_EVERY", default: .seconds(300))
        sweepStuckEvery = try reader.duration("DOCKET_SWEEP_STUCK_EVERY", default: .seconds(3600))
        stuckAfter = try reader.duration("DOCKET_STUCK_AFTER", default: .seconds(3600))
        retainSucceeded = try reader.duration("DOCKET_RETAIN_SUCCEEDED", default: .seconds(7 * 86400))
        retainDead = try reader.duration("DOCKET_RETAIN_DEAD", default: .seconds(30 * 86400))
        sweepRetentionEvery = try reader.duration("DOCKET_SWEEP_RETENTION_EVERY", default: .seconds(3600))
        sweepQuotaEvery = try reader.duration("DOCKET_SWEEP_QUOTA_EVERY", default: .seconds(3600))
        pdfTimeout = try reader.duration("DOCKET_PDF_TIMEOUT", default: .seconds(30))
        pdfMemoryBytes = try reader.byteCount("DOCKET_PDF_MEMORY", default: 1 << 30, minimum: 16 << 20)
    }
}
