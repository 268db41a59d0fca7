import CLibpq
import Foundation
import Logging

/// Owns one libpq `PGconn` and frees it. Only the owning connection's
/// thread touches it; `PGresult`s are copied into Swift values and cleared
/// before any method returns.
final class PostgresHandle {
    private let raw: OpaquePointer
    private let noticeLogger: Unmanaged<NoticeLogger>
    private var prepared = PreparedStatements()

    /// Connects (blocking), routes server notices to the logger instead of
    /// stderr, and fixes the session's date format and time zone.
    init(connectionString: String, logger: Logger) throws {
        guard let raw = PQconnectdb(connectionString) else {
            throw PostgresError(.connectionFailed, "libpq could not allocate a connection")
        }
        guard PQstatus(raw) == CONNECTION_OK else {
            let message = PostgresHandle.errorMessage(of: raw)
            PQfinish(raw)
            throw PostgresError(.connectionFailed, message)
        }
        self.raw = raw
        self.noticeLogger = Unmanaged.passRetained(NoticeLogger(logger: logger))
        PQsetNoticeProcessor(raw, { context, message in
            guard let context, let message else { return }
            let sink = Unmanaged<NoticeLogger>.fromOpaque(context).takeUnretainedValue()
            sink.logger.debug("postgres notice", metadata: ["postgres.notice": "\(String(cString: message))"])
        }, noticeLogger.toOpaque())
        try executeScript("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'")
    }

    deinit {
        PQfinish(raw)
        noticeLogger.release()
    }

    var isConnected: Bool { PQstatus(raw) == CONNECTION_OK }

    /// The server's process id for this session (for `pg_terminate_backend`).
    var backendPID: Int32 { PQbackendPID(raw) }

    /// Inside a transaction block (BEGIN issued, not yet ended), idle or not.
    var isInTransaction: Bool {
        let status = PQtransactionStatus(raw)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Checks an idle connection without a round trip: if the socket has
    /// input (a termination notice or EOF), reads it and reports whether
    /// the connection survived.
    func isHealthyWhenIdle() -> Bool {
        guard isConnected else { return false }
        // A terminated backend sends a FATAL message, then closes: the first
        // read consumes the message, a later one meets EOF and fails.
        for _ in 0..<4 where waitForInput(timeoutMilliseconds: 0) {
            guard PQconsumeInput(raw) == 1 else { return false }
        }
        return isConnected
    }

    /// Waits until the socket is readable or the timeout passes.
    func waitForInput(timeoutMilliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: PQsocket(raw), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, timeoutMilliseconds) > 0
    }

    /// Runs one parameterised statement (text results), prepared on this
    /// connection the first time it is seen (`PreparedStatements`).
    func execute(_ sql: String, binds: [PostgresBind]) throws -> PostgresRows {
        let types = binds.map { Oid($0.typeOID) }
        let key = PreparedStatements.Key(sql: sql, types: types)
        var name = prepared.name(for: key)
        if name == nil, let fresh = prepared.reserveName() {
            _ = try consume(PQprepare(raw, fresh, sql, Int32(types.count), types))
            prepared.remember(fresh, for: key)
            name = fresh
        }
        do {
            return try consume(withParameters(binds) { values, lengths, formats in
                if let name {
                    return PQexecPrepared(raw, name, Int32(binds.count), values, lengths, formats, 0)
                }
                return PQexecParams(raw, sql, Int32(binds.count), types, values, lengths, formats, 0)
            })
        } catch let error as PostgresError where name != nil && PreparedStatements.invalidates(error.sqlState) {
            prepared.forget(key)
            throw error
        }
    }

    /// Lays the parameters out as libpq reads them.
    private func withParameters(
        _ binds: [PostgresBind],
        _ body: ([UnsafePointer<CChar>?], [Int32], [Int32]) -> OpaquePointer?
    ) -> OpaquePointer? {
        var storage: [UInt8] = []
        var offsets: [Int] = []
        for bind in binds {
            offsets.append(storage.count)
            if let bytes = bind.bytes { storage.append(contentsOf: bytes) }
            // libpq reads text parameters up to a NUL and ignores their lengths.
            storage.append(0)
        }
        storage.append(0)
        let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
        let formats = binds.map { Int32($0.isBinary ? 1 : 0) }
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let values: [UnsafePointer<CChar>?] = binds.indices.map { index in
                binds[index].bytes == nil ? nil : (base + offsets[index]).assumingMemoryBound(to: CChar.self)
            }
            return body(values, lengths, formats)
        }
    }

    /// Runs `sql` (one or more statements, no parameters) in one round
    /// trip; returns the last statement's rows.
    @discardableResult
    func executeScript(_ sql: String) throws -> PostgresRows {
        try consume(PQexec(raw, sql))
    }

    /// Runs a `COPY … FROM STDIN` statement with `data` (COPY's text
    /// format); returns the rows copied.
    func copyIn(_ sql: String, data: [UInt8]) throws -> Int {
        guard let started = PQexec(raw, sql) else {
            throw PostgresError(isConnected ? .server : .connectionLost, PostgresHandle.errorMessage(of: raw))
        }
        guard PQresultStatus(started) == PGRES_COPY_IN else {
            _ = try consume(started)  // throws the server's error, if it sent one
            throw PostgresError(.server, "not a COPY … FROM STDIN statement")
        }
        PQclear(started)
        let sent = data.withUnsafeBytes { buffer in
            PQputCopyData(raw, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
        }
        // A failed send ends the COPY with an error message, so the server
        // rolls the statement back instead of taking what arrived.
        let ended = PQputCopyEnd(raw, sent == 1 ? nil : "the client could not send the rows")
        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(raw) {
            do {
                copied = try consume(result).affectedRows
            } catch let error as PostgresError {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        guard sent == 1, ended == 1 else {
            throw PostgresError(isConnected ? .server : .connectionLost, PostgresHandle.errorMessage(of: raw))
        }
        return copied
    }

    /// Reads the input that has arrived and returns the notifications in it;
    /// throws when the connection is gone.
    func drainNotifications() throws -> [PostgresNotification] {
        guard PQconsumeInput(raw) == 1 else {
            throw PostgresError(.connectionLost, PostgresHandle.errorMessage(of: raw))
        }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(raw) {
            notifications.append(PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                processID: Int(notify.pointee.be_pid)
            ))
            PQfreemem(notify)
        }
        return notifications
    }

    private func consume(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else {
            throw PostgresError(isConnected ? .server : .connectionLost, PostgresHandle.errorMessage(of: raw))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresHandle.rows(of: result)
        default:
            guard isConnected else {
                throw PostgresError(.connectionLost, PostgresHandle.errorMessage(of: raw))
            }
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            throw PostgresError(.server, sqlState: sqlState, message ?? PostgresHandle.errorMessage(of: raw))
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = PostgresColumns(names: (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [[UInt8]?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    values.append(Array(UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        let affected = PQcmdTuples(result).map { Int(String(cString: $0)) ?? 0 } ?? 0
        return PostgresRows(rows: rows, affectedRows: affected)
    }

    private static func errorMessage(of raw: OpaquePointer) -> String {
        guard let message = PQerrorMessage(raw) else { return "unknown libpq error" }
        // libpq's messages span lines ("… failed: Connection refused\n\tIs the
        // server running …"); a log line or a CLI error is one line.
        let text = String(cString: message)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        return text.isEmpty ? "unknown libpq error" : text
    }
}

/// Carries the logger into libpq's C notice callback.
private final class NoticeLogger {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}
