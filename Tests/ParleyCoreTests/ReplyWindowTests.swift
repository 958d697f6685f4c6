import Foundation
import ParleyCore
import Testing

@Suite("WhatsApp 24-hour reply window")
struct ReplyWindowTests {
    let sent = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func lengthIsTwentyFourHours() {
        #expect(ReplyWindow.length == 86_400)
    }

    @Test func neverOpensWithoutAnEndUserMessage() {
        let window = ReplyWindow(lastEndUserMessageAt: nil)
        #expect(window.lastEndUserMessageAt == nil)
        #expect(window.closesAt == nil)
        for now in [Date.distantPast, sent, Date(timeIntervalSince1970: 0), Date.distantFuture] {
            #expect(!window.isOpen(at: now))
            #expect(window.remaining(at: now) == 0)
        }
    }

    @Test func closesTwentyFourHoursAfterTheUsersMessage() {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        #expect(window.closesAt == sent.addingTimeInterval(86_400))
    }

    @Test(
        "Open from the message until one instant before 24 hours have passed",
        arguments: [0, 1, 60, 3_600, 12 * 3_600, 86_399, 86_399.999] as [TimeInterval]
    )
    func isOpenWithinTwentyFourHours(elapsed: TimeInterval) {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        let now = sent.addingTimeInterval(elapsed)
        #expect(window.isOpen(at: now))
        // Dates are Doubles: sub-second offsets come back within rounding, whole seconds exactly.
        #expect(abs(window.remaining(at: now) - (86_400 - elapsed)) < 1e-5)
        #expect(window.remaining(at: now) > 0)
    }

    @Test(
        "Closed at exactly 24 hours and after",
        arguments: [86_400, 86_400.001, 86_401, 2 * 86_400, 365 * 86_400] as [TimeInterval]
    )
    func isClosedFromTwentyFourHours(elapsed: TimeInterval) {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        let now = sent.addingTimeInterval(elapsed)
        #expect(!window.isOpen(at: now))
        #expect(window.remaining(at: now) == 0)
    }

    @Test func boundaryAroundTwentyFourHours() {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        #expect(window.isOpen(at: sent.addingTimeInterval(86_400 - 1)))
        #expect(window.remaining(at: sent.addingTimeInterval(86_400 - 1)) == 1)
        #expect(!window.isOpen(at: sent.addingTimeInterval(86_400)))
        #expect(window.remaining(at: sent.addingTimeInterval(86_400)) == 0)
        #expect(!window.isOpen(at: sent.addingTimeInterval(86_400 + 1)))
    }

    @Test func remainingCountsDown() {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        #expect(window.remaining(at: sent) == 86_400)
        #expect(window.remaining(at: sent.addingTimeInterval(3_600)) == 23 * 3_600)
        #expect(window.remaining(at: sent.addingTimeInterval(23.5 * 3_600)) == 1_800)
    }

    @Test func aClockBehindTheUsersSendTimeSeesTheWindowOpen() {
        // Parley's clock can lag WhatsApp's: a message "sent" in our future has still opened the window.
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        let earlier = sent.addingTimeInterval(-60)
        #expect(window.isOpen(at: earlier))
        #expect(window.remaining(at: earlier) == 86_400 + 60)
    }

    @Test func aFirstMessageOpensTheWindow() {
        let window = ReplyWindow(lastEndUserMessageAt: nil).receiving(messageSentAt: sent)
        #expect(window == ReplyWindow(lastEndUserMessageAt: sent))
        #expect(window.isOpen(at: sent.addingTimeInterval(10)))
    }

    @Test func aNewerMessageMovesTheWindowForward() {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        let later = sent.addingTimeInterval(20 * 3_600)
        let moved = window.receiving(messageSentAt: later)
        #expect(moved.lastEndUserMessageAt == later)
        #expect(moved.closesAt == later.addingTimeInterval(86_400))
        // Past the first message's 24 hours, the newer one keeps the window open.
        #expect(!window.isOpen(at: sent.addingTimeInterval(30 * 3_600)))
        #expect(moved.isOpen(at: sent.addingTimeInterval(30 * 3_600)))
        #expect(moved.remaining(at: sent.addingTimeInterval(30 * 3_600)) == 14 * 3_600)
    }

    @Test func aNewerMessageReopensAClosedWindow() {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        let threeDaysLater = sent.addingTimeInterval(3 * 86_400)
        #expect(!window.isOpen(at: threeDaysLater))
        #expect(window.receiving(messageSentAt: threeDaysLater).isOpen(at: threeDaysLater))
    }

    @Test(
        "An older or equal message delivered late does not move the window back",
        arguments: [0, -1, -3_600, -86_400, -10 * 86_400] as [TimeInterval]
    )
    func olderMessagesDoNotMoveTheWindowBack(offset: TimeInterval) {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        let received = window.receiving(messageSentAt: sent.addingTimeInterval(offset))
        #expect(received == window)
        #expect(received.closesAt == sent.addingTimeInterval(86_400))
    }

    @Test func outOfOrderDeliveryEndsAtTheNewestMessage() {
        let times = [5, 1, 9, 3, 9, 2, 7].map { sent.addingTimeInterval(TimeInterval($0) * 3_600) }
        let window = times.reduce(ReplyWindow(lastEndUserMessageAt: nil)) { $0.receiving(messageSentAt: $1) }
        #expect(window.lastEndUserMessageAt == sent.addingTimeInterval(9 * 3_600))
        #expect(window.closesAt == sent.addingTimeInterval(33 * 3_600))
    }

    @Test func windowsAreEqualByTheirLastMessage() {
        #expect(ReplyWindow(lastEndUserMessageAt: sent) == ReplyWindow(lastEndUserMessageAt: sent))
        let oneSecondLater = sent.addingTimeInterval(1)
        #expect(ReplyWindow(lastEndUserMessageAt: sent) != ReplyWindow(lastEndUserMessageAt: oneSecondLater))
        #expect(ReplyWindow(lastEndUserMessageAt: nil) != ReplyWindow(lastEndUserMessageAt: sent))
    }
}
