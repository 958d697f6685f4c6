import Fluent
import Foundation
import Vapor

/// Sessions in the database, like Fluent's driver, except that an unchanged session is not written back on
/// every request and every write goes through the write gate: on SQLite an ungated write from a page view
/// would collide with webhook and outbox transactions.
struct ParleySessionDriver: SessionDriver {
    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        request.eventLoop.makeFutureWithTask {
            let id = SessionID(string: APIToken.generate() + APIToken.generate())
            try await request.parley.writeGate.run { try await SessionRecord(key: id, data: data).create(on: request.db) }
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            try await SessionRecord.query(on: request.db).filter(\.$key == sessionID).first()?.data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        request.eventLoop.makeFutureWithTask {
            let stored = try await SessionRecord.query(on: request.db).filter(\.$key == sessionID).first()
            if stored?.data != data {
                try await request.parley.writeGate.run {
                    try await SessionRecord.query(on: request.db).filter(\.$key == sessionID).set(\.$data, to: data).update()
                }
            }
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask {
            try await request.parley.writeGate.run {
                try await SessionRecord.query(on: request.db).filter(\.$key == sessionID).delete()
            }
        }
    }
}
