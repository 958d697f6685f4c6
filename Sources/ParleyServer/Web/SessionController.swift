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
        return ["user": user.json(baseURL: req.baseURL)]
    }

    func logout(req: Request) async throws -> Response {
        SessionLogin.signOut(req)
        return Response(status: .noContent)
    }
}
