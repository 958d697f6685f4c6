import Fluent
import Vapor

/// Email and password sign-in, shared by HTTP Basic and the sign-in form.
enum PasswordCheck {
    static func user(email: String, password: String, on request: Request) async throws -> UserModel? {
        guard let user = try await UserModel.query(on: request.db).filter(\.$email == email.lowercased()).first(),
            let hash = user.passwordHash
        else { return nil }
        let matches = try await request.application.threadPool.runIfActive {
            try Bcrypt.verify(password, created: hash)
        }
        return matches ? user : nil
    }

    static func hash(_ password: String, on application: Application) async throws -> String {
        let cost = application.parley.settings.bcryptCost
        return try await application.threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }
}
