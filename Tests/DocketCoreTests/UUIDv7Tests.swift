import DocketCore
import Foundation
import Testing

@Suite struct UUIDv7Tests {
    @Test func idsCarryVersionAndVariantBits() {
        let id = UUIDv7.make()
        #expect(id.uuid.6 >> 4 == 7)
        #expect(id.uuid.8 >> 6 == 0b10)
    }

    @Test func idsSortInCreationOrderEvenWithinOneMillisecond() {
        let ids = (0..<10_000).map { _ in UUIDv7.make() }
        let strings = ids.map { $0.uuidString.lowercased() }
        #expect(strings == strings.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func aClockSteppingBackStillGivesIncreasingIds() {
        let generator = UUIDv7Generator()
        let later = generator.make(now: Date(timeIntervalSince1970: 2_000_000_000))
        let earlier = generator.make(now: Date(timeIntervalSince1970: 1_999_999_000))
        #expect(later.uuidString < earlier.uuidString)
    }

    @Test func aFixedClockStillGivesIncreasingIds() {
        let generator = UUIDv7Generator()
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let ids = (0..<5000).map { _ in generator.make(now: now).uuidString }
        #expect(ids == ids.sorted())
    }

    /// A batch follows the ids made before it and precedes those after,
    /// past the 12-bit counter within one millisecond, every id distinct
    /// and carrying the version and variant bits.
    @Test func aBatchIsInOrderBetweenSingleIds() {
        let generator = UUIDv7Generator()
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let ids = [generator.make(now: now)] + generator.make(count: 5000, now: now) + [generator.make(now: now)]
        let strings = ids.map(\.uuidString)
        #expect(strings == strings.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.uuid.6 >> 4 == 7 && $0.uuid.8 >> 6 == 0b10 })
        #expect(generator.make(count: 0, now: now).isEmpty)
        // The random bits differ from id to id.
        #expect(Set(ids.map { $0.uuid.15 }).count > 200)
    }

    @Test func theTimestampIsRecoverable() {
        let id = UUIDv7Generator().make(now: Date(timeIntervalSince1970: 1_900_000_000.5))
        #expect(abs(UUIDv7.timestamp(of: id).timeIntervalSince1970 - 1_900_000_000.5) < 0.002)
    }

    @Test func everyContractErrorCodeHasItsStatus() {
        #expect(ErrorCode.quotaExceeded.httpStatus == 403)
        #expect(ErrorCode.idempotencyMismatch.httpStatus == 422)
        #expect(ErrorCode.unavailable.httpStatus == 503)
        #expect(!JobErrorCode.pdfTimeout.isRetryable)
        #expect(JobErrorCode.storageIO.isRetryable)
    }
}
