// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Settings every Sanad target shares: Swift 6 mode plus the upcoming features that keep
/// imports and existentials explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

let package = Package(
    name: "Sanad",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sanad", targets: ["sanad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "CPhoneNumber",
            linkerSettings: [.linkedLibrary("phonenumber")]
        ),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", logging],
            swiftSettings: strictSettings
        ),
        .target(
            // A private PostgreSQL server in a folder (initdb, pg_ctl, as the postgres user when
            // root): Sanad's own local cluster and the tests' throwaway clusters.
            name: "PostgresServer",
            dependencies: ["Postgres", logging],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SanadSchema",
            path: "Schema",
            resources: [.embedInCode("core")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SanadCore",
            dependencies: ["Postgres", "PostgresServer", "SanadSchema", "CPhoneNumber", logging],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SanadSynthetic",
            dependencies: ["SanadCore", "Postgres"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SanadCommandKit",
            dependencies: ["SanadCore", "Postgres", argumentParser, logging],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Segmentation",
            dependencies: ["SanadCommandKit", "SanadCore", "Postgres", argumentParser, logging],
            path: "Plugins/Segmentation",
            exclude: ["README.md"],
            resources: [.embedInCode("Schema")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "InfluenceAudit",
            dependencies: ["SanadCommandKit", "SanadCore", "Postgres", argumentParser, logging],
            path: "Plugins/InfluenceAudit",
            exclude: ["README.md"],
            resources: [.embedInCode("Lexicon"), .embedInCode("Schema")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "EmailExport",
            dependencies: ["SanadCommandKit", "SanadCore", "Postgres", argumentParser, logging],
            path: "Plugins/EmailExport",
            resources: [.embedInCode("Schema")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SanadCLI",
            dependencies: [
                "SanadCommandKit", "SanadSynthetic", "SanadCore", "PostgresServer", "Segmentation", "InfluenceAudit", "EmailExport", argumentParser, logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sanad",
            dependencies: ["SanadCLI"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sanad-bench",
            dependencies: ["SanadCLI", "SanadCommandKit", "SanadSynthetic", "SanadCore"],
            path: "Benchmarks/SanadBench"
        ),
        .target(
            // A throwaway PostgreSQL for a test process; depends on nothing of Sanad.
            name: "PostgresTestSupport",
            dependencies: ["Postgres", "PostgresServer", logging],
            path: "Tests/PostgresTestSupport",
            swiftSettings: strictSettings
        ),
        .target(
            name: "SanadTestSupport",
            dependencies: ["SanadCore", "SanadCommandKit", "SanadSynthetic", "SanadCLI", "Postgres", "PostgresServer",
                           "PostgresTestSupport", logging],
            path: "Tests/SanadTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "PostgresServer", "PostgresTestSupport", logging],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SanadCoreTests",
            dependencies: ["PostgresServer", "SanadCore", "SanadTestSupport", "Postgres", logging],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SanadCommandKitTests",
            dependencies: ["SanadCommandKit", "SanadCore", "SanadTestSupport", "Postgres"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SegmentationTests",
            dependencies: ["Segmentation", "SanadCore", "SanadTestSupport", "Postgres"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EmailExportTests",
            dependencies: ["PostgresServer", "EmailExport", "SanadCommandKit", "SanadCore", "SanadTestSupport", "Postgres"],
            exclude: ["read_export.py"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InfluenceAuditTests",
            dependencies: ["PostgresServer", "InfluenceAudit", "SanadCore", "SanadTestSupport", "Postgres"],
            // The labelled corpus is read from the source tree (#filePath), not bundled.
            exclude: ["Corpus", "CorpusFresh"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            // A fourth plugin written only to show what adding one takes (its folder, these
            // lines, and the list it is installed with).
            name: "ExamplePluginTests",
            dependencies: ["SanadCore", "SanadCLI", "SanadTestSupport", "Postgres"],
            resources: [.embedInCode("Schema")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SanadCLITests",
            dependencies: ["PostgresServer", "SanadCLI", "SanadCommandKit", "SanadSynthetic", "SanadCore", "SanadTestSupport", "Postgres", logging,
                           argumentParser],
            swiftSettings: strictSettings
        ),
    ],
    cxxLanguageStandard: .cxx17
)

// The fuzzing entry point exists only for scripts/fuzz, which builds it with libFuzzer
// (`-sanitize=fuzzer`); it links libFuzzer's driver, so no ordinary build may link it.
if ProcessInfo.processInfo.environment["SANAD_FUZZ"] == "1" {
    package.targets.append(.target(name: "SanadFuzzDriver", path: "Fuzz/SanadFuzzDriver"))
    package.targets.append(.executableTarget(
        name: "sanad-fuzz",
        dependencies: ["SanadCore", "Segmentation", "SanadTestSupport", "SanadFuzzDriver"],
        path: "Fuzz/SanadFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])],
        linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
    ))
}
