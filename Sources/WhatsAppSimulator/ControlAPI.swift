import AsyncHTTPClient
import Foundation
import ParleyJSON
import Vapor
import WhatsAppCloud

/// `/_sim/…`: JSON controls for tests and the demo — users and what they send and receive, the clock,
/// throughput, injected faults, delivery modes, statistics and Meta's verification handshake.
struct ControlAPI: RouteCollection {
    let simulator: Simulator

    func boot(routes: RoutesBuilder) throws {
        let sim = routes.grouped("_sim")
        sim.get("users", use: listUsers)
        sim.post("users", use: createUser)
        sim.delete("users", ":user_id", use: removeUser)
        sim.on(.POST, "users", ":user_id", "messages", body: .collect(maxSize: "20mb"), use: send)
        sim.on(.POST, "messages", body: .collect(maxSize: "64mb"), use: sendMany)
        sim.post("users", ":user_id", "calls", use: call)
        sim.get("users", ":user_id", "inbox", use: inbox)
        sim.post("users", ":user_id", "read", use: read)
        sim.get("clock", use: clock)
        sim.post("clock", "advance", use: advance)
        sim.put("throughput", use: throughput)
        sim.post("faults", use: fault)
        sim.put("delivery", use: delivery)
        sim.put("webhook_shape", use: webhookShape)
        sim.get("deliveries", use: deliveries)
        sim.get("deliveries", "summary", use: deliverySummary)
        sim.get("stats", use: stats)
        sim.get("media", ":media_id", use: media)
        sim.post("verify", use: verify)
        sim.get("config", use: config)
    }

    private func body(_ req: Request) throws -> JSONValue {
        guard let data = req.body.data, data.readableBytes > 0 else { return [:] }
        do { return try JSONValue.parse(Data(buffer: data)) } catch { throw Abort(.badRequest, reason: "body is not JSON") }
    }

    private func json(_ value: JSONValue, _ status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: value.encoded()))
    }

    private func userID(_ req: Request) -> String { req.parameters.get("user_id") ?? "" }

    static func userJSON(_ user: SimulatedUser) -> JSONValue {
        [
            "user_id": .string(user.bsuid), "name": .string(user.name), "phone": JSONValue(user.phone),
            "username": JSONValue(user.username),
        ]
    }

    func listUsers(req: Request) async throws -> Response {
        json(["users": .array(await simulator.allUsers().map(Self.userJSON))])
    }

    func createUser(req: Request) async throws -> Response {
        let request = try body(req)
        guard let name = request["name"]?.stringValue, !name.isEmpty else { throw Abort(.badRequest, reason: "name is required") }
        let user = await simulator.createUser(
            name: name, phone: request["phone"]?.stringValue, username: request["username"]?.stringValue,
            bsuid: request["user_id"]?.stringValue)
        return json(Self.userJSON(user), .created)
    }

    /// The user leaves WhatsApp: messages to them are accepted, then fail with 131026 like any non-user's.
    func removeUser(req: Request) async throws -> Response {
        guard await simulator.removeUser(userID(req)) != nil else { throw Abort(.notFound, reason: "no such user") }
        return Response(status: .noContent)
    }

    /// The user sends a message; by default the answer waits until the webhook was delivered (`"wait": false` to not).
    func send(req: Request) async throws -> Response {
        let request = try body(req)
        do {
            let sent = try await simulator.userSends(userID(req), request)
            var answer: [String: JSONValue] = [
                "message_id": .string(sent.messageID), "timestamp": .int(Int(sent.sentAt.timeIntervalSince1970)),
                "ticket": .int(sent.ticket),
            ]
            if request["wait"]?.boolValue ?? true { answer["delivery"] = await simulator.waitForDelivery(sent.ticket).json }
            return json(.object(answer), .created)
        } catch let failure as GraphFailure {
            return json(["error": .string(failure.details ?? failure.message)], .badRequest)
        }
    }

    /// Many users send at once, without waiting for delivery: `{"messages": [{"user_id": "US…", "type": "text",
    /// "text": "…", "timestamp": …}, …]}`, each item as for one user's message. Answers each message's id and
    /// delivery ticket, or its error, in order.
    func sendMany(req: Request) async throws -> Response {
        guard let items = try body(req)["messages"]?.arrayValue else {
            throw Abort(.badRequest, reason: "expected {\"messages\": [{\"user_id\": …, \"type\": …}, …]}")
        }
        var answers: [JSONValue] = []
        answers.reserveCapacity(items.count)
        var failed = 0
        for item in items {
            do {
                let sent = try await simulator.userSends(item["user_id"]?.stringValue ?? "", item)
                answers.append(["message_id": .string(sent.messageID), "timestamp": .int(Int(sent.sentAt.timeIntervalSince1970)),
                                "ticket": .int(sent.ticket)])
            } catch let failure as GraphFailure {
                failed += 1
                answers.append(["error": .string(failure.details ?? failure.message)])
            }
        }
        return json(["messages": .array(answers), "failed": .int(failed)], failed == 0 ? .created : .badRequest)
    }

    func call(req: Request) async throws -> Response {
        do {
            let sent = try await simulator.userCalls(userID(req))
            let record = await simulator.waitForDelivery(sent.ticket)
            return json(["call_id": .string(sent.messageID), "delivery": record.json], .created)
        } catch let failure as GraphFailure {
            return json(["error": .string(failure.details ?? failure.message)], .badRequest)
        }
    }

    func inbox(req: Request) async throws -> Response {
        json(["messages": .array(await simulator.inbox(of: userID(req)).map(\.json))])
    }

    func read(req: Request) async throws -> Response {
        json(["read": .int(await simulator.read(by: userID(req)))])
    }

    func clock(req: Request) async throws -> Response {
        json(["now": .int(Int(simulator.clock.now.timeIntervalSince1970)), "offset_seconds": .double(simulator.clock.offsetSeconds)])
    }

    func advance(req: Request) async throws -> Response {
        let request = try body(req)
        let seconds = (request["seconds"]?.doubleLike ?? 0) + (request["hours"]?.doubleLike ?? 0) * 3600
        guard seconds > 0 else { throw Abort(.badRequest, reason: "give seconds or hours > 0") }
        await simulator.advanceClock(by: seconds)
        return try await clock(req: req)
    }

    func throughput(req: Request) async throws -> Response {
        guard let limit = try body(req)["limit"]?.intValue, limit > 0 else { throw Abort(.badRequest, reason: "limit > 0 is required") }
        await simulator.setThroughput(limit)
        return json(["limit": .int(limit)])
    }

    /// `{"kind": "server_error", "count": 3}` fails the next calls; `{"rates": {"server_error": 0.05, "throttle": 0.03,
    /// "timeout": 0.02}, "seed": 7}` fails that share of all calls from now on (`{"rates": {}}` stops it).
    func fault(req: Request) async throws -> Response {
        let request = try body(req)
        if let seconds = request["timeout_seconds"]?.doubleLike { await simulator.setTimeoutFaultSeconds(seconds) }
        if let rates = request["rates"]?.objectValue {
            var parsed: [FaultKind: Double] = [:]
            for (name, value) in rates {
                guard let kind = FaultKind(rawValue: name), let rate = value.doubleLike, (0...1).contains(rate) else {
                    throw Abort(.badRequest, reason: "rates: each of \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")) maps to a share between 0 and 1")
                }
                parsed[kind] = rate
            }
            guard parsed.values.reduce(0, +) <= 1 else { throw Abort(.badRequest, reason: "rates add up to more than 1") }
            // Checked before converting: UInt64(-1) would stop the whole simulator.
            var seed: UInt64 = 1
            if let given = request["seed"] {
                guard let value = given.intValue, value >= 0 else {
                    throw Abort(.badRequest, reason: "seed must be a whole number of 0 or more")
                }
                seed = UInt64(value)
            }
            await simulator.setFaultRates(parsed, seed: seed)
            return json(["rates": .object(Dictionary(uniqueKeysWithValues: parsed.map { ($0.key.rawValue, JSONValue.double($0.value)) }))])
        }
        guard let kind = request["kind"]?.stringValue.flatMap(FaultKind.init(rawValue:)) else {
            throw Abort(.badRequest, reason: "kind must be one of \(FaultKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let count = request["count"]?.intValue ?? 1
        guard request["count"] == nil || request["count"]?.intValue != nil, count >= 0 else {
            throw Abort(.badRequest, reason: "count must be a whole number of 0 or more")
        }
        await simulator.injectFault(kind, count: count)
        return json(["kind": .string(kind.rawValue), "count": .int(count)])
    }

    func delivery(req: Request) async throws -> Response {
        let request = try body(req)
        // Only what the request names changes: pointing the webhooks elsewhere keeps the modes a test set.
        var modes = await simulator.deliveryModes()
        if let rate = request["duplicate_rate"]?.doubleLike { modes.duplicateRate = rate }
        if let size = request["batch_size"]?.intValue { modes.batchSize = size }
        if let shuffle = request["shuffle"]?.boolValue { modes.shuffle = shuffle }
        if let separate = request["separate_entries"]?.boolValue { modes.separateEntries = separate }
        await simulator.setDeliveryModes(modes)
        if let url = request["webhook_url"]?.stringValue { await simulator.setWebhookURL(url) }
        return json(["duplicate_rate": .double(modes.duplicateRate), "batch_size": .int(modes.batchSize),
                     "shuffle": .bool(modes.shuffle), "separate_entries": .bool(modes.separateEntries)])
    }

    /// `{"failed_status_contacts": false}` sends failed statuses exactly as the reference describes them (no
    /// `contacts`); the default keeps them, because pywa 4.5 cannot parse a status without.
    func webhookShape(req: Request) async throws -> Response {
        let request = try body(req)
        if let given = request["failed_status_contacts"] {
            guard let value = given.boolValue else { throw Abort(.badRequest, reason: "failed_status_contacts must be true or false") }
            await simulator.setFailedStatusContacts(value)
        }
        return json(["failed_status_contacts": .bool(await simulator.failedStatusContacts)])
    }

    func deliverySummary(req: Request) async throws -> Response {
        json(await simulator.deliverySummary().json)
    }

    func deliveries(req: Request) async throws -> Response {
        json(["deliveries": .array(await simulator.deliveries().map(\.json))])
    }

    func stats(req: Request) async throws -> Response {
        let stats = await simulator.stats()
        return json([
            "window_violations": .int(stats.windowViolations), "accepted_sends": .int(stats.acceptedSends),
            "users": .int(stats.users), "pending_faults": .int(stats.pendingFaults),
            "throttled_sends": .int(stats.throttledSends),
            "served_faults": .object(Dictionary(uniqueKeysWithValues: FaultKind.allCases.map { ($0.rawValue, JSONValue.int(stats.servedFaults[$0] ?? 0)) })),
        ])
    }

    /// A simulated user's media, for the demo's phone page (no token needed: it is the user's own phone).
    func media(req: Request) async throws -> Response {
        guard let item = await simulator.mediaForPhone(req.parameters.get("media_id") ?? "") else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: item.mimeType)
        return Response(status: .ok, headers: headers, body: .init(data: item.data))
    }

    /// Meta's verification handshake against the webhook URL: `GET ?hub.mode=subscribe&hub.verify_token&hub.challenge`.
    func verify(req: Request) async throws -> Response {
        let request = try body(req)
        guard let token = request["verify_token"]?.stringValue else { throw Abort(.badRequest, reason: "verify_token is required") }
        let result = await simulator.verifyWebhook(verifyToken: token, url: request["webhook_url"]?.stringValue)
        return json(result)
    }

    func config(req: Request) async throws -> Response {
        let configuration = simulator.configuration
        return json([
            "phone_numbers": .array(configuration.phoneNumbers.map {
                ["id": .string($0.id), "display_number": .string($0.displayNumber), "waba_id": .string($0.wabaID)]
            }),
            "webhook_url": JSONValue(configuration.webhookURL),
        ])
    }
}
