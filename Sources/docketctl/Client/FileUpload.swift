import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// PUTs a file to its upload URL streamed from disk, reporting the bytes
/// sent as they go (URLSession's task delegate), and returns the answer.
/// `@unchecked Sendable` because it is an NSObject (URLSession's delegates
/// must be); its mutable state is touched only under `lock`.
final class FileUpload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let progress: ProgressBar
    private let lock = NSLock()
    private var received = Data()
    private var sent: Int64 = 0
    private var continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>?

    private init(progress: ProgressBar) { self.progress = progress }

    /// The PUT's answer; the bar is finished either way.
    static func put(_ file: URL, size: Int64, to url: URL, label: String) async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: url, timeoutInterval: 300)
        request.httpMethod = "PUT"
        request.setValue("application/pdf", forHTTPHeaderField: "Content-Type")
        request.setValue(String(size), forHTTPHeaderField: "Content-Length")
        let delegate = FileUpload(progress: ProgressBar(label: label, total: size))
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            delegate.lock.withLock { delegate.continuation = continuation }
            session.uploadTask(with: request, fromFile: file).resume()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didSendBodyData bytesSent: Int64,
                    totalBytesSent: Int64, totalBytesExpectedToSend: Int64) {
        lock.withLock { sent = totalBytesSent }
        progress.update(totalBytesSent)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.withLock { received.append(data) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, body, sent) = lock.withLock {
            defer { self.continuation = nil }
            return (self.continuation, received, self.sent)
        }
        if let error {
            progress.finish(sent, note: "failed")
            continuation?.resume(throwing: CommandFailure(message: "the upload broke off: \(error.localizedDescription)"))
        } else if let response = task.response as? HTTPURLResponse {
            progress.finish(sent, note: (200..<300).contains(response.statusCode) ? "" : "refused")
            continuation?.resume(returning: (body, response))
        } else {
            progress.finish(sent, note: "failed")
            continuation?.resume(throwing: CommandFailure(message: "the upload got no HTTP answer"))
        }
    }
}
