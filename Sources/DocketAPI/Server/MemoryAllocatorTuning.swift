/// glibc malloc settings for docket-api, applied once at start.
///
/// An upload body arrives in socket reads of up to 1 MiB (`LargeReadsHandler`),
/// each a fresh buffer held until it is written and hashed. By default glibc
/// serves such sizes with their own mmap, or trims the freed heap back to the
/// kernel, so every buffer's pages were faulted in and zeroed anew: ~5,000
/// page faults and ~15 ms of an event loop per 100 MB upload. Serving them
/// from the heap and keeping up to 32 MiB of freed memory for the next ones
/// makes that churn free; the price is at most that much memory kept after
/// a burst.
public enum MemoryAllocatorTuning {
    static let mmapThreshold: Int32 = 4 << 20
    static let trimThreshold: Int32 = 32 << 20

    public static func apply() {
        _ = mallopt(-3, mmapThreshold)  // M_MMAP_THRESHOLD
        _ = mallopt(-1, trimThreshold)  // M_TRIM_THRESHOLD
    }
}

/// mallopt(3) from malloc.h, which Swift's Glibc module does not include:
/// int mallopt(int param, int value).
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
