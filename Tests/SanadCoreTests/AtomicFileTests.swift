import Foundation
import Glibc
import SanadCore
import SanadTestSupport
import Testing

/// Files Sanad writes: never through a planted symlink, never over an existing file unless
/// asked, private (0600) when new, with their old mode when replaced.
@Suite("Atomic files: no predictable names, no overwrites, private modes")
struct AtomicFileTests {
    let folder: ScratchFolder
    let outside: ScratchFolder

    init() throws {
        folder = try ScratchFolder("atomic")
        outside = try ScratchFolder("atomic-outside")
    }

    func mode(_ path: String) -> mode_t {
        var status = stat()
        _ = lstat(path, &status)
        return status.st_mode & 0o7777
    }

    func isSymlink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing>"
    }

    /// The first wave's temporary name was `.NAME.PID.partial`: anyone could plant a symlink
    /// there and have the export truncate and fill the file it points to.
    @Test("a symlink planted at a guessable temporary name is never followed")
    func plantedTemporaryNames() throws {
        let victim = outside.path + "/victim.txt"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        let target = folder.path + "/export.csv"
        for guess in [".export.csv.\(getpid()).partial", ".export.csv.partial", ".export.csv.tmp", "export.csv.tmp", ".export.csv.partial-XXXXXX"] {
            #expect(symlink(victim, folder.path + "/" + guess) == 0)
        }
        try AtomicFile.write(Data("personal data".utf8), to: target)
        #expect(read(victim) == "keep me")
        #expect(read(target) == "personal data")
        #expect(mode(target) == 0o600)
    }

    @Test("a new file is private whatever the umask")
    func newFileIsPrivate() throws {
        let previous = umask(0)
        defer { umask(previous) }
        let target = folder.path + "/report.html"
        try AtomicFile.write(Data("x".utf8), to: target)
        #expect(mode(target) == 0o600)
        let shared = folder.path + "/completion.bash"
        try AtomicFile.write(Data("x".utf8), to: shared, mode: 0o644)
        #expect(mode(shared) == 0o644)
    }

    @Test("an existing file is kept unless replacing is asked for, and a replaced file keeps its mode")
    func existingFiles() throws {
        let target = folder.path + "/list.csv"
        try AtomicFile.write(Data("first".utf8), to: target)
        #expect(chmod(target, 0o640) == 0)
        #expect(throws: SanadError.self) { try AtomicFile.write(Data("second".utf8), to: target) }
        #expect(read(target) == "first")
        try AtomicFile.write(Data("second".utf8), to: target, replacing: true)
        #expect(read(target) == "second")
        #expect(mode(target) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["list.csv"], "no temporary file left behind")
    }

    @Test("a symlink at the final name is refused, or replaced itself with --force; what it points to stays as it was")
    func symlinkAtFinalName() throws {
        let victim = outside.path + "/victim.txt"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        #expect(chmod(victim, 0o644) == 0)
        let target = folder.path + "/calendar.ics"
        #expect(symlink(victim, target) == 0)
        #expect(throws: SanadError.self) { try AtomicFile.write(Data("x".utf8), to: target) }
        #expect(isSymlink(target))
        try AtomicFile.write(Data("calendar".utf8), to: target, replacing: true)
        #expect(!isSymlink(target))
        #expect(read(target) == "calendar")
        #expect(mode(target) == 0o600, "a new file, not the link target's mode")
        #expect(read(victim) == "keep me")
        #expect(mode(victim) == 0o644)
    }

    @Test("a file that appears while the temporary file is written is not overwritten")
    func racingFile() throws {
        let target = folder.path + "/rejects.csv"
        let file = try AtomicFile(path: target)
        try file.write(Array("ours".utf8))
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: target))
        #expect(throws: SanadError.self) { try file.commit() }
        #expect(read(target) == "theirs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["rejects.csv"])
    }

    @Test("a folder at the final name is refused with a clear error")
    func folderAtFinalName() throws {
        let target = folder.path + "/out"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        do {
            try AtomicFile.write(Data("x".utf8), to: target, replacing: true)
            Issue.record("wrote over a folder")
        } catch let error as SanadError {
            #expect(error.message.contains("is a folder"))
        }
    }
}
