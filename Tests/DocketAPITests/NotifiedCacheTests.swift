@testable import DocketAPI
import Testing

/// The cache's rules without Postgres: nothing kept unless listening, a
/// read raced by an invalidation is not stored, entries age out, and a
/// full cache sheds.
@Suite struct NotifiedCacheTests {
    @Test func keepsNothingUntilListeningAndForgetsAllWhenTheListenerComesOrGoes() {
        let cache = NotifiedCache<String, Int>()
        cache.store(1, for: "a", ticket: cache.ticket())
        #expect(cache.value(for: "a") == nil)
        cache.setListening(true)
        cache.store(1, for: "a", ticket: cache.ticket())
        #expect(cache.value(for: "a") == 1)
        cache.setListening(true)  // a reconnect: notifications may have been missed
        #expect(cache.value(for: "a") == nil)
        cache.store(2, for: "a", ticket: cache.ticket())
        cache.setListening(false)
        #expect(cache.value(for: "a") == nil)
        cache.store(3, for: "a", ticket: cache.ticket())
        #expect(cache.count == 0)
    }

    @Test func aReadRacedByAnInvalidationIsNotStored() {
        let cache = NotifiedCache<String, Int>()
        cache.setListening(true)
        let beforeRemove = cache.ticket()
        cache.remove("b")
        cache.store(1, for: "a", ticket: beforeRemove)
        #expect(cache.value(for: "a") == nil)
        let beforeClear = cache.ticket()
        cache.removeAll()
        cache.store(1, for: "a", ticket: beforeClear)
        #expect(cache.value(for: "a") == nil)
        cache.store(1, for: "a", ticket: cache.ticket())
        cache.store(2, for: "b", ticket: cache.ticket())
        cache.remove("a")
        #expect(cache.value(for: "a") == nil)
        #expect(cache.value(for: "b") == 2)
    }

    @Test func entriesAgeOutAndAFullCacheSheds() {
        let cache = NotifiedCache<Int, Int>(capacity: 3, lifetime: .seconds(10))
        cache.setListening(true)
        let start = ContinuousClock.now
        cache.store(1, for: 1, ticket: cache.ticket(), now: start)
        #expect(cache.value(for: 1, now: start + .seconds(9)) == 1)
        #expect(cache.value(for: 1, now: start + .seconds(10)) == nil)
        // Full: the expired entry goes, the fresh ones stay.
        cache.store(2, for: 2, ticket: cache.ticket(), now: start + .seconds(5))
        cache.store(3, for: 3, ticket: cache.ticket(), now: start + .seconds(5))
        cache.store(4, for: 4, ticket: cache.ticket(), now: start + .seconds(11))
        #expect(cache.count == 3)
        #expect(cache.value(for: 1, now: start + .seconds(11)) == nil)
        #expect(cache.value(for: 2, now: start + .seconds(11)) == 2)
        // Full of fresh entries: all go, the new one stays.
        cache.store(5, for: 5, ticket: cache.ticket(), now: start + .seconds(12))
        #expect(cache.count == 1)
        #expect(cache.value(for: 5, now: start + .seconds(12)) == 5)
        // Replacing a key never sheds.
        cache.store(6, for: 6, ticket: cache.ticket(), now: start + .seconds(12))
        cache.store(7, for: 7, ticket: cache.ticket(), now: start + .seconds(12))
        cache.store(8, for: 7, ticket: cache.ticket(), now: start + .seconds(12))
        #expect(cache.count == 3)
    }
}
