import Foundation
import ParleyCore
import Testing

@Suite("Ticket workflow")
struct TicketWorkflowTests {
    let agent = Actor(userID: 7, role: .agent)
    let endUser = Actor(userID: 9, role: .endUser)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func request(_ body: String = "Help", configure: (inout TicketUpdate) -> Void = { _ in }) -> TicketUpdate {
        var update = TicketUpdate()
        update.comment = NewComment(body: body)
        configure(&update)
        return update
    }

    func ticket(_ status: TicketStatus, assignee: Int? = nil) -> TicketSnapshot {
        TicketSnapshot(subject: "s", status: status, requesterID: 9, assigneeID: assignee)
    }

    @Test func createDefaultsFollowZendesk() throws {
        let outcome = try TicketWorkflow.create(request("First line\nsecond"), by: endUser, now: now)
        #expect(outcome.ticket.status == .new)
        #expect(outcome.ticket.subject == "First line")
        #expect(outcome.ticket.description == "First line\nsecond")
        #expect(outcome.ticket.requesterID == 9)
        #expect(outcome.ticket.submitterID == 9)
        #expect(outcome.events.first { $0.fieldName == "status" } == .create("status", "new"))
        #expect(outcome.events.last == .comment(isPublic: true))
    }

    @Test func createWithAssigneeIsOpen() throws {
        let outcome = try TicketWorkflow.create(request { $0.assigneeID = 7; $0.requesterID = 9 }, by: agent, now: now)
        #expect(outcome.ticket.status == .open)
        #expect(outcome.events.contains(.create("assignee_id", 7)))
    }

    @Test func createNeedsACommentAndARequester() {
        #expect(throws: TicketValidationError.self) { try TicketWorkflow.create(TicketUpdate(), by: agent, now: now) }
        #expect(throws: TicketValidationError.self) { try TicketWorkflow.create(request("   "), by: agent, now: now) }
        do {
            _ = try TicketWorkflow.create(request(), by: .system, now: now)
            Issue.record("a ticket without requester was accepted")
        } catch {
            #expect(error.details["requester"] != nil)
        }
    }

    @Test func createSolvedByAgentAssignsAndStampsSolvedAt() throws {
        let outcome = try TicketWorkflow.create(request { $0.status = .solved; $0.requesterID = 9 }, by: agent, now: now)
        #expect(outcome.ticket.assigneeID == 7)
        #expect(outcome.ticket.solvedAt == now)
        #expect(throws: TicketValidationError.self) {
            try TicketWorkflow.create(self.request { $0.status = .solved }, by: self.endUser, now: self.now)
        }
    }

    @Test(arguments: TicketStatus.allCases)
    func closedTicketsRefuseEveryChange(target: TicketStatus) {
        var update = TicketUpdate()
        update.status = target
        #expect(throws: TicketValidationError("status", "Status: closed prevents ticket update")) {
            try TicketWorkflow.update(self.ticket(.closed, assignee: 7), with: update, by: self.agent, now: self.now)
        }
    }

    @Test func closedTicketsRefuseComments() {
        var update = TicketUpdate()
        update.comment = NewComment(body: "hello")
        #expect(throws: TicketValidationError.self) {
            try TicketWorkflow.update(self.ticket(.closed, assignee: 7), with: update, by: self.agent, now: self.now)
        }
    }

    @Test(arguments: [TicketStatus.open, .pending, .hold, .solved])
    func noWayBackToNew(from status: TicketStatus) {
        var update = TicketUpdate()
        update.status = .new
        #expect(throws: TicketValidationError.self) {
            try TicketWorkflow.update(self.ticket(status, assignee: 7), with: update, by: self.agent, now: self.now)
        }
    }

    @Test func everyStatusMoveBetweenUnclosedStatusesIsAllowed() throws {
        for from in TicketStatus.allCases where from != .closed {
            for to in TicketStatus.allCases where to != .new && to != from {
                var update = TicketUpdate()
                update.status = to
                let outcome = try TicketWorkflow.update(ticket(from, assignee: 7), with: update, by: agent, now: now)
                #expect(outcome.ticket.status == to)
                #expect(outcome.events == [.change("status", from: .string(from.rawValue), to: .string(to.rawValue))])
            }
        }
    }

    @Test func agentWorkOpensANewTicket() throws {
        var update = TicketUpdate()
        update.comment = NewComment(body: "on it")
        let outcome = try TicketWorkflow.update(ticket(.new), with: update, by: agent, now: now)
        #expect(outcome.ticket.status == .open)
        let byCustomer = try TicketWorkflow.update(ticket(.new), with: update, by: endUser, now: now)
        #expect(byCustomer.ticket.status == .new)
    }

    /// The shipped "close 4 days after solved" automation depends on this: a rule closes as an agent would.
    @Test func rulesMayCloseButEndUsersAndChannelsMayNot() throws {
        var close = TicketUpdate()
        close.status = .closed
        let closed = try TicketWorkflow.update(ticket(.solved, assignee: 7), with: close, by: .rule, now: now)
        #expect(closed.ticket.status == .closed)
        #expect(closed.events == [.change("status", from: "solved", to: "closed")])
        for actor in [Actor.system, endUser] {
            #expect(throws: TicketValidationError.self) {
                try TicketWorkflow.update(self.ticket(.solved, assignee: 7), with: close, by: actor, now: self.now)
            }
        }
    }

    @Test func aRuleIsNobody() throws {
        var tag = TicketUpdate()
        tag.additionalTags = ["vip"]
        #expect(try TicketWorkflow.update(ticket(.new), with: tag, by: .rule, now: now).ticket.status == .new,
                "touching a new ticket opens it only when an agent does")
        var solve = TicketUpdate()
        solve.status = .solved
        #expect(throws: TicketValidationError.self, "a rule cannot take the ticket it solves") {
            try TicketWorkflow.update(self.ticket(.open), with: solve, by: .rule, now: self.now)
        }
    }

    @Test func solvingStampsAndReopeningClears() throws {
        var solve = TicketUpdate()
        solve.status = .solved
        let solved = try TicketWorkflow.update(ticket(.open), with: solve, by: agent, now: now)
        #expect(solved.ticket.solvedAt == now)
        #expect(solved.ticket.assigneeID == 7)
        #expect(solved.events.contains(.change("assignee_id", from: .null, to: 7)))
        var reopen = TicketUpdate()
        reopen.status = .open
        let reopened = try TicketWorkflow.update(solved.ticket, with: reopen, by: agent, now: now.addingTimeInterval(60))
        #expect(reopened.ticket.solvedAt == nil)
        #expect(throws: TicketValidationError.self) {
            try TicketWorkflow.update(self.ticket(.open), with: solve, by: .system, now: self.now)
        }
    }

    @Test func clearingAndTagOperations() throws {
        var current = ticket(.open, assignee: 7)
        current.tags = ["a", "b"]
        current.priority = .high
        var update = TicketUpdate()
        update.assigneeID = .some(nil)
        update.priority = .some(nil)
        update.additionalTags = ["C", "a"]
        update.removeTags = ["b"]
        let outcome = try TicketWorkflow.update(current, with: update, by: agent, now: now)
        #expect(outcome.ticket.assigneeID == nil)
        #expect(outcome.ticket.priority == nil)
        #expect(outcome.ticket.tags == ["a", "c"])
        #expect(outcome.events.contains(.change("tags", from: ["a", "b"], to: ["a", "c"])))
        #expect(outcome.events.contains(.change("priority", from: "high", to: .null)))
    }

    @Test func emptyUpdateChangesNothing() throws {
        let outcome = try TicketWorkflow.update(ticket(.closed), with: TicketUpdate(), by: agent, now: now)
        #expect(outcome.events.isEmpty)
        var same = TicketUpdate()
        same.status = .open
        let noChange = try TicketWorkflow.update(ticket(.open, assignee: 7), with: same, by: agent, now: now)
        #expect(noChange.events.isEmpty)
    }

    @Test func blankCommentOnUpdateIsRefused() {
        var update = TicketUpdate()
        update.comment = NewComment(body: " \n ")
        #expect(throws: TicketValidationError.self) {
            try TicketWorkflow.update(self.ticket(.open), with: update, by: self.agent, now: self.now)
        }
        update.comment = NewComment(body: "", uploadTokens: ["tok"])
        #expect((try? TicketWorkflow.update(ticket(.open), with: update, by: agent, now: now)) != nil,
                "a comment with only an attachment is fine")
    }
}
