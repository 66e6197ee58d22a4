internal import Foundation

/// The categories gift conditions and funders' notes are classified into, and the phrases
/// that mark them (`Lexicon/conditions.txt`, extended per association with
/// `sanad audit lexicon add`).
enum ConditionLexicon {
    /// A plain purpose restriction is normal; every other category is a finding.
    static let categories = ["purpose", "governance", "messaging", "mobilization", "private_benefit", "pass_through", "political"]

    /// The built-in phrases, as (category, phrase), read once from the embedded data file.
    static let builtIn: [(category: String, phrase: String)] = parse(String(decoding: PackageResources.conditions_txt, as: UTF8.self))

    /// Reads `category | phrase` lines; `#` starts a comment. A malformed line in the
    /// bundled file is a build mistake the tests catch, so it is skipped rather than fatal.
    static func parse(_ text: String) -> [(category: String, phrase: String)] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let content = line.trimmingCharacters(in: .whitespaces)
            guard !content.isEmpty, !content.hasPrefix("#") else { return nil }
            let parts = content.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, categories.contains(parts[0]), !parts[1].isEmpty else { return nil }
            return (parts[0], parts[1])
        }
    }

    /// Lines of the bundled file that `parse` would skip, for the test that keeps it clean.
    static func malformedLines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map(String.init).filter { line in
            let content = line.trimmingCharacters(in: .whitespaces)
            return !content.isEmpty && !content.hasPrefix("#") && parse(content).isEmpty
        }
    }
}
