import ArgumentParser

/// How large a zstd window the commands that read an export accept.
struct ZstdOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Largest zstd window accepted, as a power of two: 27 (128 MiB) covers zstd without --long; 31 (2 GiB of memory) opens zstd --long=31 files.",
        valueName: "n"))
    var zstdWindowLog: Int32 = 27

    func validate() throws {
        guard (10...31).contains(zstdWindowLog) else { throw ValidationError("--zstd-window-log must be 10 to 31") }
    }
}
