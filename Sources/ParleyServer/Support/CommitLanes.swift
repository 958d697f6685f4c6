/// Splits a group commit's batch into lanes that may run at the same time: jobs whose keys meet (the same
/// conversation) share a lane and keep their order; a job without keys may touch anything, so the whole batch then
/// runs as one lane. Pure, so that the grouping is tested on its own.
enum CommitLanes {
    /// The jobs' indices, lane by lane, each lane in submission order.
    static func split(_ keys: [Set<String>?]) -> [[Int]] {
        var lanes: [(keys: Set<String>, jobs: [Int])] = []
        for (index, jobKeys) in keys.enumerated() {
            guard let jobKeys else { return [Array(keys.indices)] }
            let meeting = lanes.indices.filter { !lanes[$0].keys.isDisjoint(with: jobKeys) }
            guard let first = meeting.first else {
                lanes.append((jobKeys, [index]))
                continue
            }
            // A job joining two lanes joins them: everything before it in either now runs before it.
            for other in meeting.dropFirst().reversed() {
                lanes[first].keys.formUnion(lanes[other].keys)
                lanes[first].jobs += lanes[other].jobs
                lanes.remove(at: other)
            }
            lanes[first].jobs.sort()
            lanes[first].keys.formUnion(jobKeys)
            lanes[first].jobs.append(index)
        }
        return lanes.map(\.jobs)
    }
}
