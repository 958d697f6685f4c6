/// Why the first admin from `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD` could not be created. Parley stops
/// rather than start without a way to sign in.
public struct AdminBootstrapError: Error, CustomStringConvertible, Equatable {
    public let description: String

    static let passwordTooShort = AdminBootstrapError(description:
        "PARLEY_ADMIN_PASSWORD is too short: the first admin's password needs at least \(AdminBootstrap.minimumPasswordLength) characters. No admin was created.")
    static let emailWithoutPassword = AdminBootstrapError(description:
        "PARLEY_ADMIN_EMAIL is set but PARLEY_ADMIN_PASSWORD is not: give both to create the first admin. No admin was created.")
    static let passwordWithoutEmail = AdminBootstrapError(description:
        "PARLEY_ADMIN_PASSWORD is set but PARLEY_ADMIN_EMAIL is not: give both to create the first admin. No admin was created.")
}
