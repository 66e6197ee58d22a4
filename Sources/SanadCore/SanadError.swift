/// An error meant for the person at the terminal: one clear sentence saying what is wrong,
/// and a hint saying how to fix it.
///
/// Messages name the field, file and line where that helps, and never contain SQL or a
/// driver's raw text.
public struct SanadError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The command was used wrongly (exit code 2).
        case usage
        /// The input is not acceptable (exit code 1).
        case invalidInput
        /// Something named does not exist (exit code 1).
        case notFound
        /// The change conflicts with what is stored (exit code 1).
        case conflict
        /// Anything else that stopped the command (exit code 1).
        case failure
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// The input field at fault, when one is (for import reject files).
    public var field: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.field = field
    }

    public static func usage(_ message: String, hint: String? = nil) -> SanadError {
        SanadError(.usage, message, hint: hint)
    }

    public static func invalid(_ message: String, hint: String? = nil, field: String? = nil) -> SanadError {
        SanadError(.invalidInput, message, hint: hint, field: field)
    }

    public static func notFound(_ message: String, hint: String? = nil, field: String? = nil) -> SanadError {
        SanadError(.notFound, message, hint: hint, field: field)
    }

    public static func conflict(_ message: String, hint: String? = nil, field: String? = nil) -> SanadError {
        SanadError(.conflict, message, hint: hint, field: field)
    }

    public static func failure(_ message: String, hint: String?) -> SanadError {
        SanadError(.failure, message, hint: hint)
    }

    /// The process exit code: 2 for usage errors, 1 otherwise.
    public var exitCode: Int32 { kind == .usage ? 2 : 1 }

    public var description: String {
        guard let hint else { return message }
        return message + "\nhint: " + hint
    }
}
