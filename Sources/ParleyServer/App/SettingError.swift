/// A configuration value Parley refuses to start with. The message names where the value came from (the
/// environment variable or the flag) and what would be accepted, since a setting silently ignored or replaced by
/// its default (a mistyped port, a MySQL URL falling back to SQLite) is worse than not starting.
public struct SettingError: Error, CustomStringConvertible, Equatable {
    public let setting: ParleySetting
    public let source: String
    public let problem: String

    public var description: String { "\(source): \(problem)" }
}
