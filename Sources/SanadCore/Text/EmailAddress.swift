internal import Foundation

/// An email address that passed Sanad's checks.
///
/// Trimmed; a bare `local@domain` (no display-name form such as `Name <a@b>`, no quoted
/// local part); RFC 5321 lengths (local part ≤ 64 octets, domain ≤ 253, whole ≤ 254); a
/// domain of at least two LDH labels; no spaces, control or invisible characters.
/// Internationalized addresses (UTF-8, RFC 6531) are accepted; ``isASCII`` tells the
/// mailing services that cannot take them.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// As typed, trimmed.
    public let address: String
    /// Lowercased: two addresses are the same contact point when their keys are equal.
    public let key: String

    public var description: String { address }

    /// Whether the part before the `@` is plain ASCII (Mailchimp refuses others).
    public var isASCIILocalPart: Bool {
        address.utf8.prefix { $0 != UInt8(ascii: "@") }.allSatisfy { $0 < 0x80 }
    }

    /// Why an address was refused, as a phrase that completes "the email address ...".
    public struct Problem: Error, Sendable, Equatable {
        public let reason: String
    }

    /// Checks `text` and returns the address, or the reason it is refused.
    public static func parse(_ text: String) -> Result<EmailAddress, Problem> {
        let trimmed = text.trimmed
        func refuse(_ reason: String) -> Result<EmailAddress, Problem> { .failure(Problem(reason: reason)) }
        if trimmed.isEmpty { return refuse("is empty") }
        if trimmed.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            return refuse("is in display-name form; give only the address, such as name@example.org")
        }
        // Nearly every address is ASCII, where the only invisible characters are the controls
        // and the space; looking up Unicode properties per character made up a third of an
        // export's time.
        let isASCII = trimmed.utf8.allSatisfy { $0 < 0x80 }
        if !isASCII, trimmed.unicodeScalars.contains(where: TextRules.isDirectionControl) {
            return refuse("contains invisible direction-control characters")
        }
        let hasInvisible = isASCII
            ? trimmed.utf8.contains { $0 <= 0x20 || $0 == 0x7F }
            : trimmed.unicodeScalars.contains { scalar in
                let category = scalar.properties.generalCategory
                return category == .format || category == .control || category == .spaceSeparator
                    || category == .lineSeparator || category == .paragraphSeparator
            }
        if hasInvisible { return refuse("contains spaces or invisible characters") }
        // Split per scalar: a prepend scalar or a mark glued to `@` or `.` makes one Character,
        // and a mail server would still see the `@` that a Character split misses.
        let pieces = trimmed.splittingScalars(on: "@")
        guard pieces.count == 2 else {
            return refuse(pieces.count < 2 ? "has no @" : "has more than one @")
        }
        let local = pieces[0]
        let domain = pieces[1]
        if local.isEmpty { return refuse("has nothing before the @") }
        if local.utf8.count > 64 { return refuse("has more than 64 bytes before the @") }
        if domain.utf8.count > 253 { return refuse("has a domain longer than 253 bytes") }
        if trimmed.utf8.count > 254 { return refuse("is longer than 254 bytes") }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return refuse("has a misplaced dot before the @")
        }
        let specials = Set("!#$%&'*+/=?^_`{|}~-.")
        if let bad = local.first(where: { character in
            !(character.isLetter || character.isNumber || specials.contains(character))
        }) {
            return refuse("contains \"\(bad)\" before the @, which addresses do not allow unquoted")
        }
        let labels = domain.splittingScalars(on: ".")
        guard labels.count >= 2 else { return refuse("has no dot in the domain (name@example.org)") }
        for label in labels {
            if label.isEmpty { return refuse("has an empty part in the domain") }
            if label.utf8.count > 63 { return refuse("has a domain part longer than 63 bytes") }
            if label.hasPrefix("-") || label.hasSuffix("-") { return refuse("has a domain part that starts or ends with a hyphen") }
            if !label.allSatisfy({ $0 == "-" || $0.isLetter || $0.isNumber }) {
                return refuse("has a character the domain does not allow")
            }
        }
        if labels.last!.allSatisfy(\.isNumber) { return refuse("ends in a numeric domain part") }
        return .success(EmailAddress(address: trimmed, key: trimmed.lowercased()))
    }

    /// Like ``parse(_:)`` but throwing a ``SanadError`` that names `field`.
    public static func validated(_ text: String, field: String = "email") throws -> EmailAddress {
        switch parse(text) {
        case .success(let address): return address
        case .failure(let problem):
            throw SanadError.invalid("\(field) \"\(TextRules.removingDirectionControls(text))\" \(problem.reason)",
                                     hint: "write it as name@example.org")
        }
    }
}

extension String {
    /// The pieces between every occurrence of `separator`, compared per Unicode scalar
    /// (empty pieces kept).
    func splittingScalars(on separator: Unicode.Scalar) -> [String] {
        unicodeScalars.split(separator: separator, omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    }
}
