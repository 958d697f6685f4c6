import Testing
import VaporTesting
@testable import ParleyServer
@Test func placeholder2() { #expect(1 == 1) }
