import Testing
@testable import ParleyCore
@Test func placeholder() { #expect(1 == 1) }
