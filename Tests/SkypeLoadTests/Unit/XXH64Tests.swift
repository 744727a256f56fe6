@testable import SkypeExport
import Testing

@Suite struct XXH64Tests {
    /// Reference values from the `xxhash` Python package (the C library's reference implementation).
    @Test(arguments: [
        ([UInt8](), UInt64(0), UInt64(0xEF46_DB37_51D8_E999)),
        (Array("a".utf8), 0, 0xD24E_C4F1_A98C_6E5B),
        (Array("abc".utf8), 0, 0x44BC_2CF5_AD77_0999),
        (Array("abc".utf8), 7, 0x9E75_5206_1566_76D7),
        ([UInt8](repeating: UInt8(ascii: "x"), count: 31), 0, 0x60DD_0D01_083B_99F0),
        ([UInt8](repeating: UInt8(ascii: "y"), count: 32), 0, 0x64DA_1F1D_3495_CE66),
        ([UInt8](repeating: UInt8(ascii: "z"), count: 45), 7, 0x76AE_DA10_4B5C_07D4),
        (Array((0..<768).map { UInt8(truncatingIfNeeded: $0) }), 0, 0x8E03_C838_C596_036F),
        (Array((0..<768).map { UInt8(truncatingIfNeeded: $0) }), 7, 0xB1E1_0F6C_5294_CD6B),
    ])
    func matchesTheReference(_ bytes: [UInt8], _ seed: UInt64, _ expected: UInt64) {
        #expect(bytes.withUnsafeBytes { XXH64.hash($0, seed: seed) } == expected)
    }
}
