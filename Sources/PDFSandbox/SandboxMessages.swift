import DocketCore
import PDFProcessing

/// What the parent asks of a child, one request per frame.
public enum SandboxRequest: Codable, Sendable, Equatable {
    /// `PDFInfo` of the file.
    case info(path: String)
    /// The number of pages only: `info` reads every page's size, a third
    /// of a second for R's 2,415-page manual.
    case pageCount(path: String)
    /// Pages (1-based) fitted into `width`×`height`, as JPEGs: one `.page`
    /// reply each, in order, then `.done`; or `.failed` and nothing more.
    case render(path: String, pages: [Int], width: Int, height: Int, quality: Int)
    /// Reports the limits in force and whether a socket can be opened.
    case selfCheck
}

/// What a child answers. A `.page` frame is followed by `byteCount` bytes of JPEG.
public enum SandboxReply: Codable, Sendable, Equatable {
    case info(PDFInfo)
    case pageCount(Int)
    case page(number: Int, width: Int, height: Int, byteCount: Int)
    case done
    case failed(code: JobErrorCode, message: String)
    case selfCheck(SandboxSelfCheck)
}

/// The child's view of its own confinement, for tests and `--self-check`.
public struct SandboxSelfCheck: Codable, Sendable, Equatable {
    /// `RLIMIT_AS`, soft.
    public let memoryLimit: UInt64
    /// `RLIMIT_CPU`, soft, in seconds (CPU used so far plus the per-request allowance).
    public let cpuLimit: UInt64
    /// errno of `socket(AF_INET, SOCK_STREAM, 0)`; 0 if it succeeded.
    public let socketErrno: Int32
    /// Descriptors open besides stdin, stdout and stderr.
    public let extraDescriptors: Int

    public init(memoryLimit: UInt64, cpuLimit: UInt64, socketErrno: Int32, extraDescriptors: Int) {
        self.memoryLimit = memoryLimit
        self.cpuLimit = cpuLimit
        self.socketErrno = socketErrno
        self.extraDescriptors = extraDescriptors
    }
}
