import BlobStore
import JobQueue

/// Where a document job's files lie.
extension DocumentJobPayload {
    var original: BlobKey { .original(user: userID, document: documentID) }

    func thumbnail(page: Int) -> BlobKey { .thumbnail(user: userID, document: documentID, page: page) }
}
