public import Postgres
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
        /// The connected user may not do this (exit code 1); PostgreSQL decides, this says why.
        case denied
    }

    public var kind: Kind
    public var message: String
    /// How to fix it, in the domain's words ("see its emails").
    public var hint: String?
    /// The action that fixes it or shows more (``Remedy``); each doorway says it its own
    /// way: the command line as the command to run.
    public var remedy: Remedy?
    /// The input field at fault, when one is (for import reject files).
    public var field: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, remedy: Remedy? = nil, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.remedy = remedy
        self.field = field
    }

    public static func usage(_ message: String, hint: String? = nil, remedy: Remedy? = nil) -> SanadError {
        SanadError(.usage, message, hint: hint, remedy: remedy)
    }

    public static func invalid(_ message: String, hint: String? = nil, remedy: Remedy? = nil, field: String? = nil) -> SanadError {
        SanadError(.invalidInput, message, hint: hint, remedy: remedy, field: field)
    }

    public static func notFound(_ message: String, hint: String? = nil, remedy: Remedy? = nil, field: String? = nil) -> SanadError {
        SanadError(.notFound, message, hint: hint, remedy: remedy, field: field)
    }

    public static func conflict(_ message: String, hint: String? = nil, remedy: Remedy? = nil, field: String? = nil) -> SanadError {
        SanadError(.conflict, message, hint: hint, remedy: remedy, field: field)
    }

    public static func denied(_ message: String, hint: String? = nil, remedy: Remedy? = nil) -> SanadError {
        SanadError(.denied, message, hint: hint, remedy: remedy)
    }

    public static func failure(_ message: String, hint: String?, remedy: Remedy? = nil) -> SanadError {
        SanadError(.failure, message, hint: hint, remedy: remedy)
    }

    /// The process exit code: 2 for usage errors, 1 otherwise.
    public var exitCode: Int32 { kind == .usage ? 2 : 1 }

    public var description: String {
        guard let hint else { return message }
        return message + "\nhint: " + hint
    }
}

/// What a person can do about an error, named in the domain's terms. The core says which
/// action; the command line turns it into the command to run (SanadCommandKit's
/// `Remedy.command`), and the web doorway will turn it into a link.
public enum Remedy: Sendable, Hashable {
    case listEvents
    case showConsent(contact: Int64)
    case listGroups
    case createGroup(name: String)
    case showCampaign(slug: String)
    case addCampaign
    case showContact(Int64)
    case searchContacts(text: String?)
    case restoreContact(Int64)
    case migrateDatabase
    case setExchangeRate(currency: String?, day: CalendarDate?)
    case importExchangeRates
    case listJobs
    case showJob(Int64)
    case listSchedules
    case dismissDuplicatePair
    case showAssociation(slug: String)
    case addAssociation
    case enablePlugin(id: String, association: String)
    case addUser
    case grantRole(user: String, association: String?)
    /// An action of a plugin's own (`edit-segment` on `lybunt`), which the plugin's command
    /// side names.
    case plugin(id: String, action: String, subject: String?)
}
