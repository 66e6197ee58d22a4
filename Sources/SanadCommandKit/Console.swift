public import SanadCore
internal import Foundation

/// Sentences for people: results on standard output, warnings and errors on standard error.
/// Every sentence goes through ``TerminalText/visible(_:keepingLineBreaks:)``, since most of
/// them quote a value someone typed or a file held.
public enum Console {
    /// A result sentence on standard output.
    public static func say(_ text: String) {
        CommandIO.current.write(TerminalText.visible(text) + "\n", to: .standardOutput)
    }

    /// A sentence on standard error (warnings, progress notes, errors), so that standard
    /// output keeps only what was asked for.
    public static func note(_ text: String) {
        CommandIO.current.write(TerminalText.visible(text) + "\n", to: .standardError)
    }
}
