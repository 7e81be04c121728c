import Service
import Testing

@Suite struct ServiceSkeletonTests {
    @Test func apiStartsAtZero() { #expect(ServiceVersion.api == 0) }
}
