import DocketCore
import Foundation
import PDFProcessing
import PDFSandbox

/// The child's request loop: one request at a time, replies on stdout, until
/// stdin closes. The last document stays open for the next request on the
/// same unchanged file, so the runs of a many-page render share one parse.
final class ChildServer {
    private let limits: SandboxLimits
    private let channel: FrameChannel
    private var cached: (identity: FileIdentity, document: PDFDocument)?

    init(limits: SandboxLimits, channel: FrameChannel) {
        self.limits = limits
        self.channel = channel
    }

    func run() {
        while true {
            let request: SandboxRequest
            do {
                request = try channel.receive(SandboxRequest.self)
            } catch FrameChannel.Failure.closed {
                exit(0)
            } catch {
                FileHandle.standardError.write(Data("docket-pdf-sandbox: bad request: \(error)\n".utf8))
                exit(4)
            }
            do {
                try handle(request)
            } catch let error as PDFError {
                reply(.failed(code: error.code, message: error.message))
            } catch {
                reply(.failed(code: .internal, message: "\(error)"))
            }
        }
    }

    private func handle(_ request: SandboxRequest) throws {
        switch request {
        case .info(let path):
            Confinement.allowCPU(seconds: limits.cpuSeconds)
            reply(.info(try PDFInfo(document: open(path))))
        case .pageCount(let path):
            Confinement.allowCPU(seconds: limits.cpuSeconds)
            reply(.pageCount(try open(path).pageCount))
        case .render(let path, let pages, let width, let height, let quality):
            guard width > 0, height > 0, width * height <= limits.maxPixels else {
                throw PDFError(.pdfResourceLimit, "a \(width)×\(height) image is over the \(limits.maxPixels)-pixel limit")
            }
            Confinement.allowCPU(seconds: limits.cpuSeconds)
            let document = try open(path)
            for number in pages {
                guard number >= 1, number <= document.pageCount else {
                    throw PDFError(.pdfInvalid, "the PDF has no page \(number)")
                }
                Confinement.allowCPU(seconds: limits.cpuSeconds)
                let image = try PageRenderer.jpeg(document, page: number - 1, fitting: (width, height), quality: quality)
                reply(.page(number: number, width: image.width, height: image.height, byteCount: image.jpeg.count))
                write(image.jpeg)
            }
            reply(.done)
        case .selfCheck:
            reply(.selfCheck(Confinement.selfCheck()))
        }
    }

    /// The document at `path`, parsed once while the file stays the same.
    private func open(_ path: String) throws -> PDFDocument {
        let identity = try FileIdentity(path: path)
        if let cached, cached.identity == identity { return cached.document }
        cached = nil
        let document = try PDFDocument(path: path)
        guard document.pageCount <= limits.maxPages else {
            throw PDFError(.pdfResourceLimit, "the PDF has \(document.pageCount) pages, over the limit of \(limits.maxPages)")
        }
        cached = (identity, document)
        return document
    }

    private func reply(_ reply: SandboxReply) {
        do {
            try channel.send(reply)
        } catch {
            exit(0)  // the parent is gone
        }
    }

    private func write(_ bytes: [UInt8]) {
        do {
            try channel.write(bytes)
        } catch {
            exit(0)
        }
    }
}

/// Which file a path named when it was opened: device, inode, size and
/// modification time. A file replaced or rewritten since is parsed again.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int
    let modifiedNanoseconds: Int

    init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw PDFError(.blobMissing, "the document's file is missing") }
            throw PDFError(.pdfInvalid, "cannot read the file: \(String(cString: strerror(errno)))")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
    }
}
