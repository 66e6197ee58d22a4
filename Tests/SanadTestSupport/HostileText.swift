internal import Foundation
internal import SanadCore
internal import SanadSynthetic

/// Random hostile strings, the same for a given seed: Arabic letters next to prepend and
/// combining characters (which glue themselves to the ASCII after or before them into one
/// `Character`), bidi controls, quotes, delimiters, markup and formula starts.
public struct HostileText: Sendable {
    /// Pieces a string is built from, by kind.
    public static let pieces: [String] = [
        // Arabic and Latin text
        "محمد", "فاطمة", "عبد الله", "ـ", "ليلى", "Mohammed", "O'Brien", "É", "abc", " ", "  ", "٣٤٥",
        // prepend scalars: each joins the scalar after it into one Character
        "\u{0600}", "\u{0601}", "\u{0602}", "\u{0603}", "\u{0604}", "\u{0605}", "\u{06DD}", "\u{070F}", "\u{0890}",
        "\u{08E2}", "\u{110BD}", "\u{0D4E}", "\u{111C2}",
        // combining marks and joiners: each joins the scalar before it
        "\u{0301}", "\u{064B}", "\u{0651}", "\u{0670}", "\u{20DD}", "\u{FE0F}", "\u{200D}", "\u{034F}",
        // bidi controls
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        "\u{200E}", "\u{200F}", "\u{061C}",
        // quotes and delimiters
        "\"", "'", "“", "”", "`", ",", ";", "\t", "\n", "\r", "\r\n", "|", "\\", ":", "،", "؛",
        // markup
        "<", ">", "&", "/", "=", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&amp;", "&#x3c;",
        "]]>", "-->", "<!--", "</p>", "\" onmouseover=\"alert(1)", "' autofocus onfocus='x",
        // formula starts
        "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "＝1+1", "＋1", "－1", "＠x",
        // others
        "👨‍👩‍👧", "🇱🇧", "\u{FEFF}", "\u{200B}", "\u{00A0}",
    ]

    /// Strings that broke a writer before, kept as fixed cases ahead of the random ones.
    public static let knownCases: [String] = [
        "\u{0600}<img src=x onerror=alert(1)>",
        "\u{0600}\"><script>alert(1)</script>",
        "\u{0600},=cmd|' /C calc'!A0",
        "\u{0600};=cmd|' /C calc'!A0",
        "Ali\u{0600}\"",
        "\"\u{0301}",
        "x\u{0600};y\u{0600},z\u{0600}\\",
        "\u{0D4E}\"\u{0D4E}\\",
        "=1+1",
        "\u{0600}\n=1+1",
    ]

    private var random: SeededRandom

    public init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    public mutating func nextRandom() -> UInt64 {
        random.next()
    }

    /// One random string of 1 to `maxPieces` pieces, keeping only pieces `allowed` accepts.
    public mutating func next(maxPieces: Int = 8, allowed: (String) -> Bool = { _ in true }) -> String {
        let usable = Self.pieces.filter(allowed)
        let count = 1 + Int(nextRandom() % UInt64(maxPieces))
        return (0..<count).map { _ in usable[Int(nextRandom() % UInt64(usable.count))] }.joined()
    }

    /// The known cases that `allowed` accepts, then random strings, `count` in all.
    public mutating func strings(_ count: Int, allowed: (String) -> Bool = { _ in true }) -> [String] {
        let fixed = Self.knownCases.filter(allowed)
        return fixed + (0..<max(0, count - fixed.count)).map { _ in next(allowed: allowed) }
    }
}
