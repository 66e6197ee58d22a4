internal import Foundation
public import Postgres

/// A phone as typed plus what libphonenumber made of it.
public struct PhoneEntry: Sendable, Hashable {
    public var raw: String
    /// E.164 when the number was understood; nil otherwise (kept, and reported).
    public var e164: String?
    /// `unparseable` or `invalid` when ``e164`` is nil.
    public var problem: String?
    /// The ASCII digits of ``raw``, for matching by the end of a number.
    public var digits: String
    public var kind: PhoneKind

    /// Reads a phone with `region` as the default country. Direction marks and isolates are
    /// removed (in a number they carry no meaning; names and emails still refuse them).
    ///
    /// - Throws: ``SanadError`` only for text that cannot be kept at all (empty, controls).
    /// Without `kind`, the kind comes from the number itself (libphonenumber): a Tripoli 06
    /// number is a landline, a 03 or 71 number a mobile.
    public static func make(_ raw: String, region: String, kind: PhoneKind? = nil, field: String = "phone") throws -> PhoneEntry {
        let text = try TextRules.cleanedName(TextRules.removingDirectionControls(raw), field: field, maxLength: 60)
        switch PhoneNumbers.normalize(text, region: region) {
        case .e164(let number):
            return PhoneEntry(raw: text, e164: number, problem: nil, digits: PhoneNumbers.digits(text),
                              kind: kind ?? PhoneNumbers.kind(ofE164: number))
        case .invalid:
            return PhoneEntry(raw: text, e164: nil, problem: "invalid", digits: PhoneNumbers.digits(text), kind: kind ?? .other)
        case .unparseable:
            return PhoneEntry(raw: text, e164: nil, problem: "unparseable", digits: PhoneNumbers.digits(text), kind: kind ?? .other)
        }
    }

    /// A sentence for people when the number was not understood.
    public var warning: String? {
        guard let problem else { return nil }
        return problem == "invalid"
            ? "phone \"\(raw)\" is not a valid number; it is kept as typed"
            : "phone \"\(raw)\" could not be read as a phone number; it is kept as typed"
    }
}

/// A role held from one day to another (either end open).
public struct RoleAssignment: Sendable, Hashable, Codable {
    public var role: ContactRole
    public var since: CalendarDate?
    public var until: CalendarDate?

    public init(role: ContactRole, since: CalendarDate? = nil, until: CalendarDate? = nil) {
        self.role = role
        self.since = since
        self.until = until
    }
}

/// A contact as people typed it, before checking: every field a string.
public struct ContactInput: Sendable {
    public var kind: String?
    public var displayName: String?
    public var givenName: String?
    public var familyName: String?
    public var emails: [String] = []
    public var phones: [String] = []
    public var roles: [String] = []
    public var tags: [String] = []
    public var street: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?
    public var language: String?
    public var birthDate: String?
    /// `female`, `male`, or a word for them (أنثى, ذكر, f, m); empty for not recorded.
    public var gender: String?
    public var source: String?
    public var isPEP: Bool?
    public var pepNote: String?
    public var externalID: String?
    public var customFields: [String: String] = [:]
    /// Remove direction controls instead of refusing the text.
    public var stripDirectionControls = false
    /// How non-ISO dates are written (imports from spreadsheets).
    public var dateOrder: DateOrder?
    /// Whether the person can choose the date order (an import's `--date-order`).
    public var dateOrderCanBeGiven = false

    public init() {}
}

/// A checked contact, ready to store. Built only by ``ContactInput/validated(for:)``.
public struct ContactDraft: Sendable {
    public var kind: ContactKind
    public var displayName: String
    public var givenName: String?
    public var familyName: String?
    public var emails: [EmailAddress]
    public var phones: [PhoneEntry]
    public var roles: [RoleAssignment]
    public var tags: [String]
    public var street: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?
    public var language: String?
    public var birthDate: CalendarDate?
    public var gender: Gender?
    public var source: SourceChannel
    public var isPEP: Bool
    public var pepNote: String?
    public var externalID: String?
    public var customFields: [String: String]
    /// Things kept but worth telling (a phone that could not be read).
    public var warnings: [String]
    /// The Arabic-aware search key of the names.
    public let nameKey: String
    /// The cross-script consonant key of the names.
    public let nameSkeleton: String
    public let nameSound: String
    public let cityKey: String?

    /// The keys of the display name, plus the given and family names when they add
    /// something (a nickname shown, the legal name searched too).
    static func nameKeys(display: String, given: String?, family: String?) -> (key: String, skeleton: String, sound: String) {
        var key = NameKeys.normalized(display)
        var text = display
        for part in [given, family].compactMap({ $0 }) {
            let partKey = NameKeys.normalized(part)
            if !key.contains(partKey) {
                key += " " + partKey
                text += " " + part
            }
        }
        return (key, NameKeys.skeleton(normalized: key), NameSounds.key(text))
    }
}

extension ContactInput {
    /// Checks every field; every problem of the contact is thrown at once, each with its
    /// field named (a row of a sheet is then fixed in one go, not one error per attempt).
    ///
    /// - Parameter association: supplies the default phone region.
    public func validated(for association: Association) throws -> ContactDraft {
        var problems: [SanadError] = []
        /// The field's value, or `fallback` with its problem kept for the end.
        func field<T>(_ name: String, _ fallback: T, _ body: () throws -> T) -> T {
            do {
                return try body()
            } catch var error as SanadError {
                error.field = error.field ?? name
                problems.append(error)
            } catch {
                problems.append(SanadError.invalid("\(name): \(error)", field: name))
            }
            return fallback
        }
        let strip = stripDirectionControls
        // Direction marks in a pasted name are dropped with a notice; overrides and isolates,
        // which can disguise a name, are still refused.
        var notices: [String] = []
        func unmarked(_ text: String?, _ label: String) -> String? {
            guard let text, text.unicodeScalars.contains(where: TextRules.isDirectionMark) else { return text }
            notices.append("\(label): invisible direction marks (U+200E/U+200F/U+061C) removed")
            return TextRules.removingDirectionMarks(text)
        }
        let givenName = field("given_name", nil) {
            try TextRules.cleanedText(unmarked(self.givenName, "given name"), field: "given name", maxLength: 150, removeDirectionControls: strip)
        }
        let familyName = field("family_name", nil) {
            try TextRules.cleanedText(unmarked(self.familyName, "family name"), field: "family name", maxLength: 150, removeDirectionControls: strip)
        }
        let composed = [givenName, familyName].compactMap { $0 }.joined(separator: " ")
        let displayText = (unmarked(displayName, "name")?.trimmed).flatMap { $0.isEmpty ? nil : $0 } ?? composed
        let displayName = field("display_name", "") {
            try TextRules.cleanedName(displayText, field: "name", maxLength: 300, removeDirectionControls: strip)
        }
        if [displayName, givenName, familyName].compactMap({ $0 }).contains(where: { $0.contains("\n") || $0.contains("\t") }) {
            problems.append(SanadError.invalid("a name cannot span lines", hint: "keep names on one line", field: "display_name"))
        }
        let kind = field("kind", ContactKind.person) { try self.kind.map(ContactKind.parse) ?? .person }
        var emails: [EmailAddress] = []
        for text in self.emails where !text.trimmed.isEmpty {
            guard let address = field("email", nil, { try EmailAddress.validated(text) }) else { continue }
            if !emails.contains(where: { $0.key == address.key }) { emails.append(address) }
        }
        var phones: [PhoneEntry] = []
        for text in self.phones where !text.trimmed.isEmpty {
            guard let phone = field("phone", nil, { try PhoneEntry.make(text, region: association.phoneRegion) }) else { continue }
            if !phones.contains(where: { ($0.e164 ?? $0.digits) == (phone.e164 ?? phone.digits) }) { phones.append(phone) }
        }
        var roles: [RoleAssignment] = []
        for text in self.roles where !text.trimmed.isEmpty {
            guard let role = field("role", nil, { try ContactRole.parse(text) }) else { continue }
            if !roles.contains(where: { $0.role == role }) { roles.append(RoleAssignment(role: role)) }
        }
        var tags: [String] = []
        for text in self.tags where !text.trimmed.isEmpty {
            guard let tag = field("tag", nil, { try TextRules.cleanedName(text, field: "tag", maxLength: 100, removeDirectionControls: strip) })
            else { continue }
            let tagKey = NameKeys.normalized(tag)
            if !tags.contains(where: { NameKeys.normalized($0) == tagKey }) { tags.append(tag) }
        }
        let country = field("country", nil) { try self.country.flatMap { $0.trimmed.isEmpty ? nil : $0 }.map { try StandardCodes.country($0) } }
        let language = field("language", nil) { try self.language.flatMap { $0.trimmed.isEmpty ? nil : $0 }.map { try StandardCodes.language($0) } }
        let birthDate = field("birth_date", nil) { () -> CalendarDate? in
            guard let text = self.birthDate?.trimmed, !text.isEmpty else { return nil }
            let day = try InputValues.day(text, field: "birth date", order: dateOrder, orderCanBeGiven: dateOrderCanBeGiven)
            guard day.year >= 1880, day <= CalendarDate(utc: Date()) else {
                throw SanadError.invalid("birth date \(text) is not plausible", hint: "give a date between 1880 and today")
            }
            return day
        }
        let gender = field("gender", nil) { () -> Gender? in
            if let text = self.gender?.trimmed, !text.isEmpty { return try Gender.parse(text) }
            // A role written in the Arabic feminine (متطوعة) says what the sheet did not.
            return kind == .person && self.roles.contains(where: ContactRole.isFeminineArabicWord) ? .female : nil
        }
        if gender != nil && kind == .organization {
            problems.append(SanadError.invalid("an organization has no gender", hint: "leave gender empty for organizations", field: "gender"))
        }
        let source = field("source", SourceChannel.other) { try self.source.flatMap { $0.isEmpty ? nil : $0 }.map(SourceChannel.parse) ?? .other }
        func place(_ value: String?, _ name: String, _ key: String) -> String? {
            field(key, nil) { try TextRules.cleanedText(value, field: name, maxLength: 200, removeDirectionControls: strip) }
        }
        let keys = ContactDraft.nameKeys(display: displayName, given: givenName, family: familyName)
        let cityText = place(self.city, "city", "city")
        let externalID = field("external_id", nil) { try TextRules.cleanedText(self.externalID, field: "external id", maxLength: 200) }
        let pepNote = field("pep_note", nil) { try TextRules.cleanedText(self.pepNote, field: "PEP note", removeDirectionControls: strip) }
        let street = place(street, "street", "street")
        let region = place(region, "region", "region")
        let postalCode = place(postalCode, "postal code", "postal_code")
        if let first = problems.first {
            guard problems.count > 1 else { throw first }
            throw SanadError(first.kind, problems.map(\.message).joined(separator: "; "),
                             hint: problems.compactMap(\.hint).first, remedy: first.remedy,
                             field: problems.compactMap(\.field).joined(separator: ", "))
        }
        return ContactDraft(
            kind: kind, displayName: displayName, givenName: givenName, familyName: familyName,
            emails: emails, phones: phones, roles: roles, tags: tags,
            street: street, city: cityText, region: region, postalCode: postalCode,
            country: country, language: language, birthDate: birthDate, gender: gender, source: source,
            isPEP: isPEP ?? false, pepNote: pepNote, externalID: externalID, customFields: customFields,
            warnings: notices + phones.compactMap(\.warning), nameKey: keys.key, nameSkeleton: keys.skeleton, nameSound: keys.sound,
            cityKey: cityText.map { CityNames.key($0, country: association.country) })
    }
}
