import Foundation
import SyntheticExport

/// Seeded fuzzing for CI: every target runs a fixed list of seeds (the same inputs on every
/// machine, so a failure reproduces), then fresh seeds for `SKYPE_FUZZ_SECONDS` (default 1)
/// more; the base of those is printed so that a failure there can be replayed.
enum Fuzzer {
    static let fixedSeeds: [UInt64] = Array(1...200)

    static var extraSeconds: Double {
        ProcessInfo.processInfo.environment["SKYPE_FUZZ_SECONDS"].flatMap(Double.init) ?? 1
    }

    /// Calls `body` once per seed; returns how many inputs were tried.
    @discardableResult
    static func run(_ target: String, _ body: (UInt64, inout SplitMix64) throws -> Void) rethrows -> Int {
        var count = 0
        for seed in fixedSeeds {
            var rng = SplitMix64(seed: seed)
            try body(seed, &rng)
            count += 1
        }
        let base = UInt64(UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970 * 1000))) << 20
        let deadline = Date().addingTimeInterval(extraSeconds)
        var seed = base
        while Date() < deadline {
            var rng = SplitMix64(seed: seed)
            try body(seed, &rng)
            seed += 1
            count += 1
        }
        print("fuzz \(target): \(count) inputs (fixed seeds 1-\(fixedSeeds.count), then seeds from \(base))")
        return count
    }

    static func int(_ range: Range<Int>, _ rng: inout SplitMix64) -> Int {
        range.lowerBound + Int(rng.next() % UInt64(max(1, range.count)))
    }

    static func randomBytes(_ maximum: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<int(0..<(maximum + 1), &rng)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// Bytes that sit at the edges of formats: signs, digits, quotes, brackets, high bits.
    private static let interesting: [UInt8] = [0, 0x20, 0x0A, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A,
                                               0x2D, 0x30, 0x37, 0x39, 0x3D, 0x7F, 0x80, 0xC0, 0xED, 0xFE, 0xFF]

    /// `input` with one to eight random edits: flipped bits, interesting bytes, inserted or
    /// deleted runs, a duplicated chunk, a truncation.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<int(1..<9, &rng) {
            let position = int(0..<max(1, bytes.count), &rng)
            switch int(0..<8, &rng) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1) << UInt8(int(0..<8, &rng))
            case 1 where !bytes.isEmpty:
                bytes[position] = interesting[int(0..<interesting.count, &rng)]
            case 2:
                let run = [UInt8](repeating: interesting[int(0..<interesting.count, &rng)], count: int(1..<64, &rng))
                bytes.insert(contentsOf: run, at: min(position, bytes.count))
            case 3 where !bytes.isEmpty:
                bytes.removeSubrange(position..<min(bytes.count, position + int(1..<64, &rng)))
            case 4 where !bytes.isEmpty:
                let chunk = Array(bytes[position..<min(bytes.count, position + int(1..<256, &rng))])
                bytes.insert(contentsOf: chunk, at: int(0..<(bytes.count + 1), &rng))
            case 5:
                bytes = Array(bytes.prefix(position))
            case 6 where bytes.count >= 8:
                // A number field's worth of digits or 0xFF: sizes, lengths, counts.
                let value: [UInt8] = int(0..<2, &rng) == 0 ? Array("77777777777".utf8) : [UInt8](repeating: 0xFF, count: 8)
                for (index, byte) in value.enumerated() where position + index < bytes.count { bytes[position + index] = byte }
            default:
                if !bytes.isEmpty { bytes[position] = UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        return bytes
    }
}
