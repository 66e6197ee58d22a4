internal import SanadCommandKit
public import ArgumentParser
internal import Foundation
internal import SanadCore

/// The file formats mailing services import.
public enum ExportFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Email Address, First Name, Last Name, Phone (E.164), Tags, Language, Consent Date.
    case mailchimp
    /// email, name, attributes (JSON with language and text direction).
    case listmonk
    /// EMAIL;FIRSTNAME;LASTNAME;SMS, semicolon separated.
    case brevo
    /// Chosen columns.
    case csv
    /// One JSON object per line.
    case jsonl
    /// One JSON array of the same objects (for programs that read a whole document).
    case json
}

/// One exported person.
struct ExportRow {
    var contactID: Int64
    var address: String
    var displayName: String
    var givenName: String?
    var familyName: String?
    var language: String?
    var phone: String?
    var city: String?
    var tags: [String]
    var roles: [String]
    var consentDate: String

    /// Given and family names when recorded; otherwise the whole name as the first name, so
    /// every row has a name (Arabic names stay as typed, never transliterated).
    var firstName: String { givenName ?? (familyName == nil ? displayName : "") }
    var lastName: String { familyName ?? "" }

    var direction: String {
        if let language { return ["ar", "fa", "he", "ur", "ps", "ckb", "dv", "yi"].contains(language) ? "rtl" : "ltr" }
        return TextRules.containsRightToLeft(displayName) ? "rtl" : "ltr"
    }
}

/// Writes rows in one format: header, escaping, byte limits, spreadsheet safety.
struct ExportWriter {
    let format: ExportFormat
    let columns: [String]
    /// UTF-8 with BOM for Excel.
    let spreadsheet: Bool
    /// Cells that would start a formula get a leading apostrophe (unless `--raw`): people
    /// open exports in Excel too.
    var neutralizesFormulas = true

    static let csvColumns = ["email", "name", "first_name", "last_name", "phone", "language", "direction", "city", "tags", "roles",
                             "consent_date", "contact_id"]

    /// Mailchimp (and most services) cut text fields at 255 bytes.
    static let fieldBytes = 255

    var separator: Character { format == .brevo ? ";" : "," }

    /// The file's first bytes: a BOM for spreadsheets, and the header row.
    func header() -> String {
        let bom = spreadsheet && format != .jsonl && format != .json ? "\u{FEFF}" : ""
        switch format {
        case .mailchimp: return bom + row(["Email Address", "First Name", "Last Name", "Phone", "Tags", "Language", "Consent Date"])
        case .listmonk: return bom + row(["email", "name", "attributes"])
        case .brevo: return bom + row(["EMAIL", "FIRSTNAME", "LASTNAME", "SMS"])
        case .csv: return bom + row(columns)
        case .jsonl: return ""
        case .json: return "["
        }
    }

    /// The file's last bytes, after `rows` rows.
    func footer(rows: Int) -> String {
        format == .json ? (rows == 0 ? "]\n" : "\n]\n") : ""
    }

    /// The text of the `index`-th row (0-based).
    func line(for person: ExportRow, index: Int) -> String {
        format == .json ? (index == 0 ? "\n  " : ",\n  ") + object(person) : line(for: person)
    }

    func line(for person: ExportRow) -> String {
        switch format {
        case .mailchimp:
            return row([person.address, person.firstName, person.lastName, person.phone ?? "", person.tags.joined(separator: ","),
                        person.language ?? "", person.consentDate].map(limited))
        case .listmonk:
            let attributes: OutputRecord = ["language": .of(person.language), "direction": .text(person.direction),
                                            "city": .of(person.city), "tags": .of(person.tags), "consent_date": .text(person.consentDate)]
            return row([person.address, limited(person.displayName), JSONText.object(attributes)])
        case .brevo:
            return row([person.address, person.firstName, person.lastName, person.phone ?? ""].map(limited))
        case .csv:
            return row(columns.map { limited(value(of: $0, person)) })
        case .jsonl, .json:
            return object(person) + "\n"
        }
    }

    private func object(_ person: ExportRow) -> String {
        JSONText.object([
            "email": .text(person.address), "name": .text(person.displayName), "first_name": .text(person.firstName),
            "last_name": .text(person.lastName), "phone": .of(person.phone), "language": .of(person.language),
            "direction": .text(person.direction), "city": .of(person.city), "tags": .of(person.tags), "roles": .of(person.roles),
            "consent_date": .text(person.consentDate), "contact_id": .integer(person.contactID),
        ])
    }

    private func value(of column: String, _ person: ExportRow) -> String {
        switch column {
        case "email": person.address
        case "name": person.displayName
        case "first_name": person.firstName
        case "last_name": person.lastName
        case "phone": person.phone ?? ""
        case "language": person.language ?? ""
        case "direction": person.direction
        case "city": person.city ?? ""
        case "tags": person.tags.joined(separator: ";")
        case "roles": person.roles.joined(separator: ";")
        case "consent_date": person.consentDate
        default: String(person.contactID)
        }
    }

    /// Quoting and formula neutralization of each final cell.
    private func row(_ fields: [String]) -> String {
        CSVText.row(fields, separator: separator, neutralizingFormulas: neutralizesFormulas)
    }

    /// At most 255 bytes of UTF-8, cut between characters (an Arabic letter is two bytes).
    func limited(_ text: String) -> String {
        Self.truncated(text, toBytes: Self.fieldBytes)
    }

    static func truncated(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > limit { break }
            result.append(character)
            bytes += size
        }
        return result
    }
}
