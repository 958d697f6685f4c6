import Vapor

extension UserModel: Authenticatable {}

extension Request {
    /// The signed-in agent or admin; routes behind `APIAuthenticator` can rely on it.
    var currentUser: UserModel {
        get throws {
            guard let user = auth.get(UserModel.self) else { throw APIError.unauthenticated }
            return user
        }
    }
}
