import Fluent
import Vapor

/// Email and password sign-in, shared by HTTP Basic and the sign-in form.
enum PasswordCheck {
    /// Throws 429 while the account (from this address) or the address is locked out after repeated wrong passwords.
    static func user(email: String, password: String, on request: Request) async throws -> UserModel? {
        let throttle = request.parley.loginThrottle
        let keys = LoginThrottle.keys(email: email, address: request.remoteAddress?.ipAddress ?? "unknown")
        let now = Date()
        if let wait = throttle.lockedFor(keys, now: now) {
            let minutes = Int((wait / 60).rounded(.up))
            throw APIError(status: .tooManyRequests, error: "TooManyAttempts",
                           description: "Too many failed sign-ins. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").")
        }
        var found: UserModel?
        if let user = try await UserModel.query(on: request.db).filter(\.$email == email.lowercased()).first(),
            let hash = user.passwordHash,
            try await request.application.threadPool.runIfActive({ try Bcrypt.verify(password, created: hash) })
        {
            found = user
        }
        if found == nil {
            throttle.recordFailure(keys, now: now)
            request.logger.notice("failed password check")
        } else {
            throttle.recordSuccess(keys)
        }
        return found
    }

    static func hash(_ password: String, on application: Application) async throws -> String {
        let cost = application.parley.settings.bcryptCost
        return try await application.threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }
}
