internal import Foundation
public import SanadCore
public import PostgresServer

/// Checks written files with Python's own parsers (csv, json, html5lib, html.parser,
/// icalendar: `Tests/Parsers/check_outputs.py`), which share nothing with Sanad's writers.
public enum IndependentParsers {
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Parsers/check_outputs.py").path
    }

    public struct Outcome: Sendable {
        public var checked: Int
        public var failures: [String]
    }

    /// Runs every case of `manifest` (JSON objects as `check_outputs.py` documents them).
    ///
    /// The manifest is written with Foundation's JSONSerialization, not Sanad's JSON writer,
    /// so the expected values do not depend on the code under test.
    public static func check(_ manifest: [[String: Any]], in folder: String) throws -> Outcome {
        let path = folder + "/manifest.json"
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: path))
        let result = try ProcessRunner.start("/usr/bin/env", ["python3", script, path], separateErrors: true).wait()
        guard result.status == 0,
              let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else {
            return Outcome(checked: 0, failures: ["check_outputs.py failed (\(result.status)): \(result.errorOutput)"])
        }
        return Outcome(checked: parsed["checked"] as? Int ?? 0, failures: parsed["failures"] as? [String] ?? [])
    }
}
