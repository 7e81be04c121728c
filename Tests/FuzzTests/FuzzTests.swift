import Audit
import Evidence
import Foundation
import InfrastructureAsCode
import TestSupport
import Testing

/// A tiny seeded generator (SplitMix64), so a failing run can be replayed with `ACKGUARD_FUZZ_SEED`.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutations of valid inputs: what a broken disk, a careless edit or an attacker would hand ackguard.
enum Mutation: CaseIterable {
    case flipByte, truncate, duplicateSlice, deepNesting, aliasBomb, hugeNumber, invalidUTF8, controlCharacters
    case deleteSlice

    func apply(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch self {
        case .flipByte:
            if !bytes.isEmpty { bytes[position] ^= UInt8.random(in: 1...255, using: &random) }
        case .truncate:
            bytes = Array(bytes.prefix(position))
        case .duplicateSlice:
            let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        case .deleteSlice:
            let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
            bytes.removeSubrange(position..<end)
        case .deepNesting:
            let open = Array(["[", "{\"a\":", "a: ", "- ", "(", "${"].randomElement(using: &random)!.utf8)
            let depth = Int.random(in: 100...20_000, using: &random)
            bytes.insert(contentsOf: Array([[UInt8]](repeating: open, count: depth).joined()), at: position)
        case .aliasBomb:
            var bomb = "\nb0: &b0 [x, x, x, x, x, x, x, x, x]\n"
            for level in 1...9 {
                bomb +=
                    "b\(level): &b\(level) [" + Array(repeating: "*b\(level - 1)", count: 9).joined(separator: ",")
                    + "]\n"
            }
            bytes.insert(contentsOf: Array(bomb.utf8), at: random.next() % 2 == 0 ? bytes.count : position)
        case .hugeNumber:
            let number = ["1e999999", "-1e400", String(repeating: "9", count: 5000), "0.0", "1e-999999"]
                .randomElement(using: &random)!
            bytes.insert(contentsOf: Array(number.utf8), at: position)
        case .invalidUTF8:
            bytes.insert(contentsOf: [0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x80], at: position)
        case .controlCharacters:
            bytes.insert(contentsOf: [0x1B, 0x5B, 0x32, 0x4A, 0x0A, 0x00, 0x07, 0x0D], at: position)
        }
        return bytes
    }
}

/// Runs the readers and evaluators in-process over mutated inputs: no crash, no hang (each input has a deadline),
/// and every outcome is findings or the documented typed error, in one line.
@Suite("fuzz: hostile saved evidence, HCL and ROS", .serialized)
struct FuzzTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let iterations = ProcessInfo.processInfo.environment["ACKGUARD_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 120
    static let seed = ProcessInfo.processInfo.environment["ACKGUARD_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xACC6_0A4D
    /// Whatever one input does, it must finish within this (generous: debug builds on a busy CI machine).
    static let deadline = Duration.seconds(5)

    /// Every file of a directory tree, as (relative path, bytes).
    static func files(under root: URL) -> [(String, [UInt8])] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: root.path) else { return [] }
        var found: [(String, [UInt8])] = []
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            let full = root.appendingPathComponent(relative).path
            guard manager.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = manager.contents(atPath: full)
            else { continue }
            found.append((relative, Array(data)))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    @Test("saved-evidence folders (JSON and YAML) from the corpus, mutated")
    func savedEvidence() throws {
        let corpus = Self.repository.appendingPathComponent("Tests/Corpus")
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().map {
            Self.files(under: corpus.appendingPathComponent($0)).filter { !$0.0.hasSuffix("expected.json") }
        }.filter { !$0.isEmpty }
        try #require(!folders.isEmpty)
        var random = SplitMix64(state: Self.seed)
        let started = ContinuousClock.now
        var outcomes = (findings: 0, errors: 0)
        for iteration in 0..<Self.iterations {
            var files = folders.randomElement(using: &random)!
            let target = Int.random(in: 0..<files.count, using: &random)
            let mutation = Mutation.allCases.randomElement(using: &random)!
            files[target].1 = mutation.apply(files[target].1, &random)
            let root = try TemporaryFolder(prefix: "ackguard-fuzz")
            defer { root.remove() }
            for (relative, bytes) in files { try root.write(relative, bytes: bytes) }
            let replay = "seed \(Self.seed) iteration \(iteration): \(mutation) of \(files[target].0)"
            let begun = ContinuousClock.now
            do {
                for evidence in try SavedEvidenceReader(directory: root.path).read() {
                    _ = AuditEngine.evaluate(evidence, options: AuditOptions(rules: Set(RuleID.allCases)))
                    outcomes.findings += 1
                }
            } catch {
                outcomes.errors += 1
                #expect(!error.description.contains("\n"), "one line (\(replay)): \(error.description)")
            }
            #expect(ContinuousClock.now - begun < Self.deadline, "no hang (\(replay))")
        }
        print(
            "fuzz saved evidence: seed \(Self.seed), \(Self.iterations) inputs, \(outcomes.findings) findings, "
                + "\(outcomes.errors) refusals in \(ContinuousClock.now - started)")
    }

    @Test("Terraform HCL, plans and ROS templates from the fixtures, mutated")
    func infrastructureAsCode() throws {
        let fixtures = Self.repository.appendingPathComponent("Tests/InfrastructureAsCodeTests/Fixtures")
        let inputs = Self.files(under: fixtures).filter { !$0.0.contains("syntax-error") }
        try #require(!inputs.isEmpty)
        var random = SplitMix64(state: Self.seed ^ 0x1AC)
        let started = ContinuousClock.now
        for iteration in 0..<Self.iterations {
            var (relative, bytes) = inputs.randomElement(using: &random)!
            let mutation = Mutation.allCases.randomElement(using: &random)!
            bytes = mutation.apply(bytes, &random)
            if random.next() % 4 == 0 { bytes = Mutation.allCases.randomElement(using: &random)!.apply(bytes, &random) }
            let root = try TemporaryFolder(prefix: "ackguard-fuzz")
            defer { root.remove() }
            let name = (relative as NSString).lastPathComponent
            let path = try root.write(name, bytes: bytes)
            let replay = "seed \(Self.seed) iteration \(iteration): \(mutation) of \(relative)"
            let begun = ContinuousClock.now
            let result = IaCScanner.scan(paths: [path])
            #expect(ContinuousClock.now - begun < Self.deadline, "no hang (\(replay))")
            for diagnostic in result.diagnostics {
                #expect(diagnostic.line >= 0 && diagnostic.column >= 0, "\(replay)")
            }
            #expect([0, 1, 2, 3].contains(result.exitCode), "\(replay)")
        }
        print("fuzz iac: seed \(Self.seed), \(Self.iterations) inputs in \(ContinuousClock.now - started)")
    }
}
