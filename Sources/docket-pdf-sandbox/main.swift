import Foundation
import PDFSandbox

// docket-pdf-sandbox: the child a PDF worker parses and renders hostile
// files in. It confines itself before reading the first request (see
// Confinement), then answers requests on stdin/stdout until stdin closes.
// Not meant to be run by hand, except `--self-check`.

let options: ChildOptions
do {
    options = try ChildOptions(CommandLine.arguments.dropFirst())
} catch {
    FileHandle.standardError.write(Data("docket-pdf-sandbox: \(error)\n".utf8))
    exit(2)
}
do {
    try Confinement.apply(options.limits, parent: options.parent)
} catch {
    FileHandle.standardError.write(Data("docket-pdf-sandbox: \(error)\n".utf8))
    exit(3)
}
if options.selfCheck {
    let check = Confinement.selfCheck()
    print("memory_limit=\(check.memoryLimit) cpu_limit=\(check.cpuLimit) socket_errno=\(check.socketErrno) extra_fds=\(check.extraDescriptors)")
    exit(check.socketErrno == 0 ? 1 : 0)
}
ChildServer(limits: options.limits, channel: FrameChannel(input: 0, output: 1)).run()
