import DocketTesting
import PostgresClient
import Testing

@Suite struct PostgresListenerTests {
    @Test func notificationsAreDelivered() async throws {
        let configuration = PostgresConfiguration(try TestEnvironment.databaseURL())
        let channel = "docket_test_\(TestKeys().prefix.dropFirst(5).dropLast())"
        let events = PostgresListener.events(configuration: configuration, channels: [channel])
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .listening)
        let sender = try await PostgresConnection.connect(configuration: configuration)
        try await sender.query("SELECT pg_notify($1, $2)", channel, "first")
        try await sender.transaction { tx in
            try tx.query("SELECT pg_notify($1, $2)", channel, "second")
        }
        guard case .notification(let first)? = await iterator.next(),
              case .notification(let second)? = await iterator.next()
        else {
            Issue.record("expected two notifications")
            return
        }
        #expect(first.channel == channel)
        #expect([first.payload, second.payload] == ["first", "second"])
    }

    @Test func aListenerSaysItLostItsSessionAndReconnects() async throws {
        let configuration = PostgresConfiguration(try TestEnvironment.databaseURL())
        let channel = "docket_test_reconnect_\(TestKeys().prefix.dropFirst(5).dropLast())"
        let events = PostgresListener.events(configuration: configuration, channels: [channel])
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .listening)
        let admin = try await PostgresConnection.connect(configuration: configuration)
        try await admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE $1 AND pid <> pg_backend_pid()",
            "LISTEN \"\(channel)\"%"
        )
        #expect(await iterator.next() == .disconnected)
        #expect(await iterator.next() == .listening)
        try await admin.query("SELECT pg_notify($1, 'after')", channel)
        guard case .notification(let notification)? = await iterator.next() else {
            Issue.record("expected a notification after the reconnect")
            return
        }
        #expect(notification.payload == "after")
    }
}
