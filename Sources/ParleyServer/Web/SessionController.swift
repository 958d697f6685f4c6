import ParleyCore
import Vapor

/// Sign-in for the web interface: `POST /login` with email and password (JSON or form), `POST /logout`.
struct SessionController: RouteCollection {
    struct Credentials: Content {
        var email: String
        var password: String
    }

    func boot(routes: RoutesBuilder) throws {
        routes.post("login", use: login)
        routes.post("logout", use: logout)
        routes.get("session", use: current)
    }

    /// Who is signed in, with the CSRF token the page must send on every change.
    func current(req: Request) async throws -> JSONValue {
        guard let user = try await SessionLogin.user(of: req), user.active, !user.suspended, user.userRole.isStaff else {
            throw APIError.unauthenticated
        }
        return ["user": user.json(baseURL: req.baseURL), "csrf_token": JSONValue(SessionLogin.csrfToken(of: req))]
    }

    func login(req: Request) async throws -> JSONValue {
        guard let credentials = try? req.content.decode(Credentials.self) else {
            throw APIError.badRequest("Give email and password")
        }
        guard let user = try await PasswordCheck.user(email: credentials.email, password: credentials.password, on: req),
            user.active, !user.suspended, user.userRole.isStaff
        else {
            req.logger.notice("failed sign-in")
            throw APIError(status: .unauthorized, error: "InvalidCredentials", description: "Wrong email or password")
        }
        try await SessionLogin.signIn(user, on: req)
        return ["user": user.json(baseURL: req.baseURL), "csrf_token": JSONValue(SessionLogin.csrfToken(of: req))]
    }

    func logout(req: Request) async throws -> Response {
        if SessionLogin.csrfToken(of: req) != nil {
            guard let token = req.headers.first(name: "X-CSRF-Token"), SessionLogin.csrfMatches(token, req) else {
                throw APIError(status: .forbidden, error: "InvalidCSRFToken", description: "Missing or wrong X-CSRF-Token header")
            }
        }
        SessionLogin.signOut(req)
        return Response(status: .noContent)
    }
}
