import Fluent
import Vapor

/// The web interface's session: the signed-in user's id lives in the server-side session record.
enum SessionLogin {
    static let key = "user_id"
    static let csrfKey = "csrf"

    static func user(of request: Request) async throws -> UserModel? {
        guard request.hasSession, let raw = request.session.data[key], let id = Int(raw) else { return nil }
        return try await UserModel.query(on: request.db).filter(\.$id == id).firstReadingRowDirectly()
    }

    /// Starts a fresh session (a new id, so an id planted before sign-in is worthless).
    static func signIn(_ user: UserModel, on request: Request) async throws {
        if request.hasSession, let old = request.session.id {
            try await request.application.sessions.driver.deleteSession(old, for: request).get()
            request.session.id = nil
            request.session.data = SessionData()
        }
        request.session.data[key] = "\(user.id ?? 0)"
        request.session.data[csrfKey] = APIToken.generate()
    }

    static func csrfToken(of request: Request) -> String? {
        request.hasSession ? request.session.data[csrfKey] : nil
    }

    static func csrfMatches(_ token: String, _ request: Request) -> Bool {
        guard let expected = csrfToken(of: request) else { return false }
        return Array(expected.utf8) == Array(token.utf8)
    }

    static func signOut(_ request: Request) {
        if request.hasSession { request.session.destroy() }
    }
}
