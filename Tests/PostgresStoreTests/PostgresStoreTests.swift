import PostgresStore
import Testing

@Suite struct PostgresStoreSkeletonTests {
    @Test func schemaStartsAtZero() { #expect(PostgresStoreVersion.schema == 0) }
}
