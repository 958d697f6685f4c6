/// One send to Meta as Parley can know it: when its request started and when its answer came, in seconds. Meta
/// counted it against the number's throughput at some instant in between.
public struct SendSpan: Sendable {
    public let start: Double
    public let end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

extension Collection<SendSpan> {
    /// The most of these sends Meta may have counted in one second, whichever instant of its span each reached it:
    /// those whose span reaches into the second. The busiest such second begins at some send's answer.
    public var busiestSecond: Int {
        map(\.end).map { candidate in count(where: { $0.end >= candidate && $0.start - candidate < 1 }) }.max() ?? 0
    }
}
