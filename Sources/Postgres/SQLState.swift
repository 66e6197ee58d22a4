/// A five-character SQLSTATE code from the server, such as `23505`.
///
/// Codes group into classes by their first two characters; a `catch` can match a whole
/// class:
///
/// ```swift
/// switch error.sqlState { case SQLState.Class.integrityConstraintViolation: ... }
/// ```
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The class: the first two characters.
    public var `class`: Class { Class(rawValue: String(rawValue.prefix(2))) }

    public var description: String { rawValue }

    public static let successfulCompletion = SQLState(rawValue: "00000")
    public static let uniqueViolation = SQLState(rawValue: "23505")
    public static let foreignKeyViolation = SQLState(rawValue: "23503")
    public static let notNullViolation = SQLState(rawValue: "23502")
    public static let checkViolation = SQLState(rawValue: "23514")
    public static let exclusionViolation = SQLState(rawValue: "23P01")
    public static let serializationFailure = SQLState(rawValue: "40001")
    public static let deadlockDetected = SQLState(rawValue: "40P01")
    public static let queryCanceled = SQLState(rawValue: "57014")
    public static let adminShutdown = SQLState(rawValue: "57P01")
    public static let undefinedTable = SQLState(rawValue: "42P01")
    public static let undefinedObject = SQLState(rawValue: "42704")
    public static let duplicateObject = SQLState(rawValue: "42710")
    public static let insufficientPrivilege = SQLState(rawValue: "42501")
    public static let dependentObjectsStillExist = SQLState(rawValue: "2BP01")
    public static let invalidTextRepresentation = SQLState(rawValue: "22P02")
    public static let numericValueOutOfRange = SQLState(rawValue: "22003")
    public static let stringDataRightTruncation = SQLState(rawValue: "22001")
    public static let characterNotInRepertoire = SQLState(rawValue: "22021")
    public static let invalidDatetimeFormat = SQLState(rawValue: "22007")
    public static let datetimeFieldOverflow = SQLState(rawValue: "22008")
    public static let lockNotAvailable = SQLState(rawValue: "55P03")
    public static let raiseException = SQLState(rawValue: "P0001")

    /// A SQLSTATE class, such as `23` (integrity constraint violation).
    public struct Class: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }

        public static let dataException = Class(rawValue: "22")
        public static let integrityConstraintViolation = Class(rawValue: "23")
        public static let invalidTransactionState = Class(rawValue: "25")
        /// Serialization failures and deadlocks: the transaction may succeed if run again.
        public static let transactionRollback = Class(rawValue: "40")
        public static let syntaxErrorOrAccessRuleViolation = Class(rawValue: "42")
        public static let insufficientResources = Class(rawValue: "53")
        public static let operatorIntervention = Class(rawValue: "57")
        public static let connectionException = Class(rawValue: "08")
    }

    public static func ~= (pattern: Class, value: SQLState) -> Bool {
        value.class == pattern
    }
}

/// Matches an optional SQLSTATE (as carried by ``PostgresError``) against a class.
public func ~= (pattern: SQLState.Class, value: SQLState?) -> Bool {
    value?.class == pattern
}
