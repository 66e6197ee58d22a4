public import SanadCore
/// Text made safe to show on a terminal.
///
/// A hostile name, note or file can carry ESC sequences that clear the screen, retitle the
/// window or move the cursor, and a bare CR or backspace overwrites what was printed before.
/// Such characters are shown as `<U+001B>` instead of being sent to the terminal.
public enum TerminalText {
    /// Whether a scalar would act on the terminal, or reorder the text around it, rather than
    /// show as a character: C0 controls, DEL, C1 controls, and the bidi embeddings, overrides
    /// and isolates.
    public static func isUnsafe(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool) -> Bool {
        switch scalar.value {
        case 0x0A: !keepingLineBreaks
        case 0x09: !keepingLineBreaks
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with every unsafe scalar written as `<U+XXXX>`.
    ///
    /// - Parameter keepingLineBreaks: leave LF and tab as they are (sentences and messages);
    ///   table cells pass false and get one line each.
    public static func visible(_ text: String, keepingLineBreaks: Bool = true) -> String {
        // Most text has nothing to show: check first, so the common case copies nothing.
        guard text.unicodeScalars.contains(where: { isUnsafe($0, keepingLineBreaks: keepingLineBreaks) }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar, keepingLineBreaks: keepingLineBreaks) {
                result.append(contentsOf: codePoint(scalar).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// `<U+001B>`: the form a hidden or unsafe character is shown in.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }
}
