// swift-tools-version:6.0
import PackageDescription

/// The numeric loops of the engine, the training loop and the data reader are
/// many times slower without optimisation, so they build optimised even in
/// debug builds: plain `swift run report` and `swift test` train at release
/// speed. The engine uses -Ounchecked: its loops index raw buffers whose sizes
/// the layer shapes fix, and the gradient checks cover every index.
let alwaysOptimized: [SwiftSetting] = [.unsafeFlags(["-O"])]
let engineOptimized: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"])]
/// The kernels' C: optimised in every build, and no contraction of a * b + c
/// into an fma behind our back (each fma of the summation contract is written out).
let kernelFlags: [CSetting] = [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-fast-math", "-fno-math-errno"])]

let package = Package(
    name: "hw2-report",
    products: [
        .executable(name: "report", targets: ["ReportCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries, wrapped as system-library targets.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "SystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The pipeline, one module per concern; dependencies flow one way.
        .target(name: "Support", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Kernels", cSettings: kernelFlags, linkerSettings: [.linkedLibrary("m")]),
        .target(
            name: "Dataset",
            dependencies: ["SystemZlib", "Support"],
            resources: [.copy("mnist_convert.py")],
            swiftSettings: alwaysOptimized
        ),
        .target(name: "Engine", dependencies: ["Kernels", "Support"], swiftSettings: engineOptimized),
        .target(name: "Training", dependencies: ["Engine", "Dataset", "Support"], swiftSettings: alwaysOptimized),
        .target(
            name: "RunArchive",
            dependencies: ["Training", "Dataset", "Engine", "Support", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(name: "Charts", dependencies: ["CCairo"]),
        .target(
            name: "Report",
            dependencies: [
                "RunArchive", "Training", "Engine", "Dataset", "Charts", "Support",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        .executableTarget(
            name: "ReportCommand",
            dependencies: [
                "Dataset", "Engine", "Training", "RunArchive", "Charts", "Report", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "DatasetTests", dependencies: ["Dataset", "Support"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Kernels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RunArchiveTests", dependencies: ["RunArchive", "Training", "Support"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "RunArchive", "Training", "Dataset", "Support", "Charts"], resources: [.copy("Golden")]),
        .testTarget(name: "ReportCommandTests", dependencies: ["ReportCommand"]),
    ]
)
