import DocketCore
import Foundation
import PDFProcessing

/// How a child ended, as waitpid(2) reported it, and the job failure that
/// follows: out of CPU is `pdf_timeout`, any other death `pdf_resource_limit`
/// (a parser that crashed or ran out of address space on this file).
struct ChildStatus: Equatable {
    let raw: Int32

    var signal: Int32? { raw & 0x7f == 0 ? nil : raw & 0x7f }
    var exitCode: Int32? { raw & 0x7f == 0 ? (raw >> 8) & 0xff : nil }

    func failure(limits: SandboxLimits) -> PDFError {
        switch signal {
        case SIGXCPU?:
            return PDFError(.pdfTimeout, "the PDF needed more than \(limits.cpuSeconds) s of CPU")
        case let signal?:
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            return PDFError(.pdfResourceLimit, "the PDF process died on this file (\(name); memory limit \(limits.memoryBytes >> 20) MiB)")
        case nil:
            return PDFError(.pdfResourceLimit, "the PDF process exited with status \(exitCode ?? -1) on this file")
        }
    }
}
