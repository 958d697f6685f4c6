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

    init() {}
}
