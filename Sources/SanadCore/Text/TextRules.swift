internal import Foundation

/// Rules for free text that people type: names, places, notes.
public enum TextRules {
    /// Characters that change the display direction of the text around them. In a name or
    /// an email they can make `‮moc.knab` look like `bank.com`, so they never enter silently.
    public static func isDirectionControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// The marks alone (LRM, RLM, ALM): they set no direction for the text around them, and
    /// they come along unseen with names copied from Arabic pages and messages.
    public static func isDirectionMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C
    }

    /// The text without direction marks; overrides and isolates stay (and are refused later).
    public static func removingDirectionMarks(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter { !isDirectionMark($0) })
        return String(scalars)
    }

    public static func containsDirectionControl(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isDirectionControl)
    }

    /// The text without direction controls.
    public static func removingDirectionControls(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter { !isDirectionControl($0) })
        return String(scalars)
    }

    /// A name or short label ready to store: trimmed, one line, no direction controls.
    ///
    /// - Parameters:
    ///   - removeDirectionControls: strip them instead of refusing (an explicit choice the
    ///     caller reports).
    /// - Throws: ``SanadError`` naming `field` when the text is empty, too long, spans lines,
    ///   or holds direction controls.
    public static func cleanedName(_ text: String, field: String, maxLength: Int = 300,
                                   removeDirectionControls: Bool = false) throws -> String {
        var value = text
        if containsDirectionControl(value) {
            guard removeDirectionControls else {
                throw SanadError.invalid(
                    "\(field) contains invisible direction-control characters (U+202A–202E, U+2066–2069, U+200E/200F)",
                    hint: "retype it, or pass --strip-direction-controls to remove them")
            }
            value = removingDirectionControls(value)
        }
        value = value.trimmed
        guard !value.isEmpty else {
            throw SanadError.invalid("\(field) is empty", hint: "give a \(field) with at least one letter")
        }
        if let control = value.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw SanadError.invalid("\(field) contains a control character (U+\(String(control.value, radix: 16, uppercase: true)))",
                                     hint: "a \(field) is one line of text without tabs or line breaks")
        }
        guard value.count <= maxLength else {
            throw SanadError.invalid("\(field) is \(value.count) characters long; at most \(maxLength) are accepted",
                                     hint: "shorten it")
        }
        return value
    }

    /// Optional free text (a note, conditions of a gift): trimmed, nil when empty; may span
    /// lines, but never holds NUL, other control characters than tab and line breaks, or
    /// direction controls unless asked to remove them.
    public static func cleanedText(_ text: String?, field: String, maxLength: Int = 20_000,
                                   removeDirectionControls: Bool = false) throws -> String? {
        guard var value = text?.trimmed, !value.isEmpty else { return nil }
        if containsDirectionControl(value) {
            guard removeDirectionControls else {
                throw SanadError.invalid("\(field) contains invisible direction-control characters",
                                         hint: "retype it, or pass --strip-direction-controls to remove them")
            }
            value = removingDirectionControls(value)
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !["\n", "\r", "\t"].contains($0) }) {
            throw SanadError.invalid("\(field) contains a control character", hint: "remove it and try again")
        }
        guard value.count <= maxLength else {
            throw SanadError.invalid("\(field) is \(value.count) characters long; at most \(maxLength) are accepted", hint: "shorten it")
        }
        return value
    }

    /// Whether the text contains a right-to-left letter (Arabic, Hebrew, Syriac, Thaana, NKo).
    public static func containsRightToLeft(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF: true
            default: false
            }
        }
    }
}

/// "Did you mean": the closest candidate by edit distance, if it is close enough.
public enum Suggestion {
    public static func closest(to input: String, among candidates: [String]) -> String? {
        let target = Array(input.lowercased())
        let scored = candidates.map { ($0, distance(target, Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, target.count / 3) ? best.0 : nil
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
