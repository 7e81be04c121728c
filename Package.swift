// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ackguard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ackguard", targets: ["ackguard"]),
        .executable(name: "ackguard-emulator", targets: ["ackguard-emulator"]),
        .library(name: "Audit", targets: ["Audit"]),
        .library(name: "ACKEmulator", targets: ["ACKEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Pure request signing (V3 ACS3-HMAC-SHA256, ROA HMAC-SHA1, RPC HMAC-SHA1).
        .target(
            name: "AlibabaCloudSigning",
            dependencies: ["CivilTime", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Credentials, HTTP transport, retries, rate limiting, the CS operations and models.
        .target(
            name: "AlibabaCloud",
            dependencies: [
                "AlibabaCloudSigning", "JSON", "BoundedConcurrency",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Kubeconfig and a small typed Kubernetes client.
        .target(
            name: "KubernetesAPI",
            dependencies: [
                "JSON", "BoundedConcurrency",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Structured concurrency helpers: a deadline race and a bounded fan-out; no dependencies.
        .target(name: "BoundedConcurrency", swiftSettings: strict),
        // JSON values, the one bounded parser (ParseLimits) and serialisation; no dependencies.
        .target(name: "JSON", swiftSettings: strict),
        // The calendar (UTC fields of an instant and back) of the signers' dates and the reports' timestamps.
        .target(name: "CivilTime", swiftSettings: strict),
        // Evidence in, findings out. No I/O, no clock, no randomness.
        .target(name: "Audit", dependencies: ["JSON", "CivilTime"], swiftSettings: strict),
        // Builds evidence from API documents: the saved-folder reader and writer, the decoding shared with live.
        .target(
            name: "Evidence",
            dependencies: ["Audit", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // Builds evidence live: the CS API through AlibabaCloud, the clusters through KubernetesAPI.
        .target(
            name: "LiveCollection",
            dependencies: [
                "Audit", "Evidence", "AlibabaCloud", "KubernetesAPI", "BoundedConcurrency",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Reports", dependencies: ["Audit"], swiftSettings: strict),
        // Suppression files (YAML): which findings are accepted risks, until when.
        .target(
            name: "Suppressions",
            dependencies: ["Audit", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // Plans, applies, verifies and rolls back network-policy enablement.
        .target(
            name: "Remediation",
            dependencies: [
                "Audit", "Evidence", "LiveCollection", "AlibabaCloud", "KubernetesAPI", "BoundedConcurrency",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Scan history in SQLite, and the diff of two scans.
        .target(
            name: "History",
            dependencies: ["Audit", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // Scan history in a shared PostgreSQL database (`--store postgres://…`): the same store as History's SQLite one.
        .target(
            name: "PostgresStore",
            dependencies: [
                "History", "Audit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Terraform HCL, Terraform plan JSON and ROS templates -> planned evidence with source locations.
        .target(
            name: "InfrastructureAsCode",
            dependencies: ["Audit", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "ACKEmulator",
            dependencies: [
                "AlibabaCloudSigning", "Audit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // The whole run as a library: a resolved request (saved folder, live accounts, emulator; rules; options) to an
        // outcome (report, completeness notes, exit status); `fix` builds on it. Commands only parse and render.
        .target(
            name: "AuditRun",
            dependencies: [
                "Audit", "Evidence", "LiveCollection", "Reports", "AlibabaCloud", "KubernetesAPI", "ACKEmulator",
                "Suppressions", "History", "PostgresStore", "InfrastructureAsCode", "Remediation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // `ackguard serve`: scheduled scans, Prometheus metrics, the dashboard, change alerts.
        .target(
            name: "Service",
            dependencies: [
                "AuditRun", "Audit", "History", "Reports", "JSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ackguard",
            dependencies: [
                "AuditRun", "Audit", "Evidence", "LiveCollection", "Reports", "AlibabaCloud", "KubernetesAPI",
                "ACKEmulator", "Suppressions", "History", "InfrastructureAsCode", "Remediation", "Service",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ackguard-emulator",
            dependencies: [
                "ACKEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // What the tests share: temporary folders, the emulator harness.
        .target(
            name: "TestSupport",
            dependencies: [
                "ACKEmulator", "Audit", "AlibabaCloud", "KubernetesAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "AuditRunTests",
            dependencies: ["AuditRun", "TestSupport", "Audit", "Evidence", "Reports", "ACKEmulator"],
            swiftSettings: strict
        ),
        .testTarget(name: "AuditTests", dependencies: ["TestSupport", "Audit", "CivilTime"], swiftSettings: strict),
        .testTarget(
            name: "EvidenceTests",
            dependencies: ["TestSupport", "Evidence", "Audit"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReportsTests", dependencies: ["TestSupport", "Reports", "Audit"], exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LiveCollectionTests",
            dependencies: [
                "TestSupport",
                "LiveCollection", "Evidence", "Audit", "AlibabaCloud", "KubernetesAPI", "ACKEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RemediationTests",
            dependencies: [
                "TestSupport",
                "Remediation", "LiveCollection", "Evidence", "Audit", "AlibabaCloud", "KubernetesAPI", "ACKEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SoakTests",
            dependencies: [
                "TestSupport",
                "LiveCollection", "Evidence", "Audit", "AlibabaCloud", "KubernetesAPI", "ACKEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: ["TestSupport", "PostgresStore", "History", "Audit"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "TestSupport", "Service", "AuditRun", "Audit", "History", "ACKEmulator", "JSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SuppressionsTests", dependencies: ["TestSupport", "Suppressions", "Audit"], swiftSettings: strict),
        .testTarget(
            name: "HistoryTests",
            dependencies: [
                "TestSupport", "History", "Audit", "Reports", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InfrastructureAsCodeTests",
            dependencies: ["TestSupport", "InfrastructureAsCode", "Audit"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlibabaCloudSigningTests",
            dependencies: ["TestSupport", "AlibabaCloudSigning"],
            exclude: ["Resources"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlibabaCloudTests",
            dependencies: [
                "TestSupport",
                "AlibabaCloud", "AlibabaCloudSigning", "ACKEmulator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KubernetesAPITests",
            dependencies: [
                "TestSupport",
                "KubernetesAPI", "ACKEmulator", "Audit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ACKEmulatorTests",
            dependencies: [
                "TestSupport",
                "ACKEmulator", "AlibabaCloudSigning", "Audit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict
        ),
        // Seeded fuzzing of the readers and evaluators (ACKGUARD_FUZZ_ITERATIONS, ACKGUARD_FUZZ_SEED).
        .testTarget(
            name: "FuzzTests",
            dependencies: ["TestSupport", "Audit", "Evidence", "InfrastructureAsCode"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ackguardTests",
            dependencies: ["TestSupport", "ackguard", "Audit"],
            swiftSettings: strict
        ),
    ]
)
