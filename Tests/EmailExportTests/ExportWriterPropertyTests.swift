import Foundation
@testable import EmailExport
import SanadCore
import SanadCommandKit
import SanadTestSupport
import Testing

/// Every export format, fed random hostile names, cities and tags, read back with Python's
/// csv and json: each row keeps its columns, each cell its text, and with `--spreadsheet`
/// no cell starts a formula.
@Suite("Export formats: hostile values keep their columns and never start a formula")
struct ExportWriterPropertyTests {
    static func storable(_ piece: String) -> Bool {
        !piece.unicodeScalars.contains { $0.properties.generalCategory == .control || TextRules.isDirectionControl($0) }
    }

    @Test("mailchimp, brevo, csv, listmonk and jsonl: neutralized by default, with --spreadsheet, and --raw")
    func formatsRoundTrip() throws {
        let folder = try ScratchFolder("export-writer")
        var random = HostileText(seed: 7)
        var people: [ExportRow] = []
        for index in 0..<300 {
            let given: String? = index % 3 == 0 ? nil : random.next(allowed: Self.storable)
            let family: String? = index % 2 == 0 ? nil : random.next(allowed: Self.storable)
            let tags: [String] = [random.next(maxPieces: 3, allowed: Self.storable), random.next(maxPieces: 3, allowed: Self.storable)]
            let name: String = random.next(allowed: Self.storable)
            let city: String = random.next(allowed: Self.storable)
            people.append(ExportRow(contactID: Int64(index), address: "p\(index)@example.org", displayName: name, givenName: given,
                                    familyName: family, language: index % 4 == 0 ? "ar" : nil, phone: index % 5 == 0 ? "+9616123456" : nil,
                                    city: city, tags: tags, roles: ["supporter"], consentDate: "2026-11-01"))
        }
        var manifest: [[String: Any]] = []
        for format in ExportFormat.allCases {
            for (spreadsheet, raw) in [(false, false), (true, false), (false, true)] {
                var writer = ExportWriter(format: format, columns: ExportWriter.csvColumns, spreadsheet: spreadsheet)
                writer.neutralizesFormulas = !raw
                let path = folder.path + "/\(format.rawValue)-\(spreadsheet)-\(raw).out"
                let text = writer.header() + people.enumerated().map { writer.line(for: $0.element, index: $0.offset) }.joined()
                    + writer.footer(rows: people.count)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                let label = "\(format.rawValue) spreadsheet=\(spreadsheet) raw=\(raw)"
                switch format {
                case .jsonl:
                    manifest.append(["kind": "jsonl", "label": label, "path": path, "values": people.map(Self.jsonObject)])
                case .json:
                    manifest.append(["kind": "json", "label": label, "path": path, "values": people.map(Self.jsonObject)])
                case .listmonk:
                    // The attributes cell is JSON; its own round trip is the JSON writer's test.
                    let rows = [["email", "name", "attributes"]] + people.map { [$0.address, $0.displayName, Self.listmonkAttributes($0)] }
                    manifest.append(["kind": "csv", "label": label, "path": path, "delimiter": ",", "bom": spreadsheet,
                                     "formulas_neutralized": !raw, "rows": rows])
                default:
                    manifest.append(["kind": "csv", "label": label, "path": path, "delimiter": format == .brevo ? ";" : ",", "bom": spreadsheet,
                                     "formulas_neutralized": !raw, "rows": Self.rows(format, people)])
                }
            }
        }
        let outcome = try IndependentParsers.check(manifest, in: folder.path)
        #expect(outcome.checked == manifest.count)
        #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n"))")
    }

    static func rows(_ format: ExportFormat, _ people: [ExportRow]) -> [[String]] {
        switch format {
        case .mailchimp:
            [["Email Address", "First Name", "Last Name", "Phone", "Tags", "Language", "Consent Date"]] + people.map {
                [$0.address, $0.firstName, $0.lastName, $0.phone ?? "", $0.tags.joined(separator: ","), $0.language ?? "", $0.consentDate]
            }
        case .brevo:
            [["EMAIL", "FIRSTNAME", "LASTNAME", "SMS"]] + people.map { [$0.address, $0.firstName, $0.lastName, $0.phone ?? ""] }
        default:
            [ExportWriter.csvColumns] + people.map {
                [$0.address, $0.displayName, $0.firstName, $0.lastName, $0.phone ?? "", $0.language ?? "", $0.direction, $0.city ?? "",
                 $0.tags.joined(separator: ";"), $0.roles.joined(separator: ";"), $0.consentDate, String($0.contactID)]
            }
        }
    }

    static func listmonkAttributes(_ person: ExportRow) -> String {
        JSONText.object(["language": .of(person.language), "direction": .text(person.direction), "city": .of(person.city),
                         "tags": .of(person.tags), "consent_date": .text(person.consentDate)])
    }

    static func jsonObject(_ person: ExportRow) -> [String: Any] {
        ["email": person.address, "name": person.displayName, "first_name": person.firstName, "last_name": person.lastName,
         "phone": person.phone ?? NSNull(), "language": person.language ?? NSNull(), "direction": person.direction,
         "city": person.city ?? NSNull(), "tags": person.tags, "roles": person.roles, "consent_date": person.consentDate,
         "contact_id": Int(person.contactID)]
    }
}
