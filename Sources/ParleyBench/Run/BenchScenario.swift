/// The groups of scenarios a run can be limited to (`parley bench --only reads`): seeding a million tickets
/// for the reads alone takes minutes, which the inbound and outbound figures do not need.
public enum BenchScenario: String, CaseIterable, Sendable {
    case ceilings
    case inbound
    case outbound
    case reads
}
