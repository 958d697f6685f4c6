import Fluent
import Foundation

/// Which instance runs the next pass of a scheduled job: the row is taken with one conditional update, so with
/// several instances on one database exactly one runs each pass.
final class SchedulerLeaseModel: Model, @unchecked Sendable {
    static let schema = "scheduler_leases"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "next_run_at") var nextRunAt: Date
    @OptionalField(key: "holder") var holder: String?
    @OptionalField(key: "last_run_at") var lastRunAt: Date?

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $nextRunAt, $holder, $lastRunAt] }

    init() {}
}
