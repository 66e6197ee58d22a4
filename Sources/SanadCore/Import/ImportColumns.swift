internal import Foundation

/// Which field each column of an import file fills.
///
/// Header names are matched after Arabic-aware normalization (case, accents, hamza,
/// punctuation), in English and Arabic (`Email`, `E-mail`, `البريد الإلكتروني`); a
/// numbered column (`Phone 2`) adds another value to its field. `--map column=field`
/// overrides by header name or 1-based column number (`field` may be `ignore` or
/// `custom:NAME`).
public struct ColumnMapping: Sendable {
    public enum Target: Sendable, Equatable {
        case field(String)
        case custom(String)
        case ignored
    }

    public let header: [String]?
    public let targets: [Target]
    /// Columns no field was found for (ignored, or kept as custom fields when asked).
    public let unknownColumns: [String]

    /// Columns Sanad writes into reject files; reading such a file back ignores them.
    static let rejectColumns: Set<String> = ["sanad_line", "sanad_field", "sanad_reason"]

    /// A mapping from a header row.
    ///
    /// - Parameters:
    ///   - aliases: normalized header name → field, for the kind of file.
    ///   - fields: every field name `--map` may name.
    public static func fromHeader(_ header: [String], aliases: [String: String], fields: [String],
                                  overrides: [String: String], customFields: Bool) throws -> ColumnMapping {
        var targets: [Target] = []
        for name in header {
            let key = normalizedHeader(name)
            if rejectColumns.contains(name.trimmed.lowercased()) {
                targets.append(.ignored)
            } else if let field = aliases[key] ?? aliases[key.trimmingTrailingDigits] {
                targets.append(.field(field))
            } else if customFields, !name.trimmed.isEmpty {
                targets.append(.custom(name.trimmed))
            } else {
                targets.append(.ignored)
            }
        }
        try apply(overrides, to: &targets, header: header, fields: fields)
        let unknown = header.enumerated().compactMap { index, name -> String? in
            guard !name.trimmed.isEmpty, !rejectColumns.contains(name.trimmed.lowercased()) else { return nil }
            if case .field = targets[index] { return nil }
            return name
        }
        return ColumnMapping(header: header, targets: targets, unknownColumns: unknown)
    }

    /// A mapping for a file without a header: only `--map 1=name,...` says what columns hold.
    public static func positional(columns: Int, fields: [String], overrides: [String: String]) throws -> ColumnMapping {
        var targets = [Target](repeating: .ignored, count: columns)
        try apply(overrides, to: &targets, header: nil, fields: fields)
        guard targets.contains(where: { if case .field = $0 { true } else { false } }) else {
            throw SanadError.usage("the file has no header row, so Sanad cannot tell what its columns hold",
                                   hint: "map them by number, such as --map 1=name --map 2=email --map 3=phone")
        }
        return ColumnMapping(header: nil, targets: targets, unknownColumns: [])
    }

    /// Whether a first row looks like a header: most of its cells name known fields.
    public static func looksLikeHeader(_ row: [String], aliases: [String: String]) -> Bool {
        let cells = row.filter { !$0.trimmed.isEmpty }
        guard !cells.isEmpty else { return false }
        let known = cells.filter { cell in
            let key = normalizedHeader(cell)
            return aliases[key] != nil || aliases[key.trimmingTrailingDigits] != nil || rejectColumns.contains(cell.trimmed.lowercased())
        }
        return known.count * 2 >= cells.count
    }

    private static func apply(_ overrides: [String: String], to targets: inout [Target], header: [String]?, fields: [String]) throws {
        for (column, fieldText) in overrides {
            let index: Int
            if let number = Int(column) {
                guard number >= 1, number <= targets.count else {
                    throw SanadError.usage("--map \(column)=\(fieldText): the file has \(targets.count) columns", hint: "number columns from 1")
                }
                index = number - 1
            } else if let header, let found = header.firstIndex(where: { $0.trimmed.lowercased() == column.trimmed.lowercased() }) {
                index = found
            } else {
                throw SanadError.usage("--map \(column)=\(fieldText): there is no column \"\(column)\"",
                                       hint: header.map { "columns: \($0.joined(separator: ", "))" } ?? "number columns from 1")
            }
            let field = fieldText.trimmed.lowercased()
            if field == "ignore" {
                targets[index] = .ignored
            } else if field.hasPrefix("custom:"), field.count > 7 {
                targets[index] = .custom(String(fieldText.trimmed.dropFirst(7)))
            } else if fields.contains(field) {
                targets[index] = .field(field)
            } else {
                var hint = "fields: \(fields.joined(separator: ", ")), ignore, custom:NAME"
                if let guess = Suggestion.closest(to: field, among: fields) { hint = "did you mean \(guess)? " + hint }
                throw SanadError.usage("--map \(column)=\(fieldText): unknown field \"\(fieldText)\"", hint: hint)
            }
        }
    }

    /// How header names compare: Arabic-aware, case- and punctuation-blind.
    public static func normalizedHeader(_ name: String) -> String {
        NameKeys.normalized(name.replacingOccurrences(of: "_", with: " "))
    }

    /// The values of one record for each field (several for numbered columns), and its
    /// custom fields.
    public func values(of record: [String]) -> (fields: [String: [String]], custom: [String: String]) {
        var fields: [String: [String]] = [:]
        var custom: [String: String] = [:]
        for (index, target) in targets.enumerated() where index < record.count {
            // An apostrophe before `=`, `+`, `-`, `@` is a spreadsheet's "this is text" (Sanad's
            // own rejects files and exports write it): the value is what follows.
            let value = CSVText.unneutralized(record[index].trimmed)
            guard !value.isEmpty, !ImportVocabulary.meansNothing(value) else { continue }
            switch target {
            case .field(let name): fields[name, default: []].append(value)
            case .custom(let name): custom[name] = value
            case .ignored: break
            }
        }
        return (fields, custom)
    }

    /// Column → field, for the import report.
    public var description: [(column: String, field: String)] {
        targets.enumerated().map { index, target in
            let column = header?[index] ?? "column \(index + 1)"
            switch target {
            case .field(let name): return (column, name)
            case .custom(let name): return (column, "custom:\(name)")
            case .ignored: return (column, "ignored")
            }
        }
    }
}

extension String {
    var trimmingTrailingDigits: String {
        var text = self
        while let last = text.last, last.isNumber || last == " " { text.removeLast() }
        return text
    }
}

/// Header aliases of contact files and interaction files.
public enum ImportVocabulary {
    public static let contactFields = ["external_id", "name", "given_name", "family_name", "kind", "email", "phone", "roles",
                                       "tags", "street", "city", "region", "postal_code", "country", "language", "birth_date",
                                       "gender", "source", "pep", "pep_note"]

    public static let interactionFields = ["external_id", "contact_external_id", "contact_email", "contact_phone", "type",
                                           "date", "amount", "currency", "campaign", "event", "restricted", "conditions",
                                           "anonymous", "hours", "channel", "notes"]

    static func table(_ entries: [String: [String]]) -> [String: String] {
        var table: [String: String] = [:]
        for (field, names) in entries {
            for name in names + [field] { table[ColumnMapping.normalizedHeader(name)] = field }
        }
        return table
    }

    public static let contactAliases = table([
        "external_id": ["external id", "id", "contact id", "member id", "member number", "المعرف", "رقم العضو", "المعرف الخارجي"],
        "name": ["full name", "display name", "contact name", "الاسم", "الاسم الكامل", "اسم"],
        "given_name": ["first name", "given name", "firstname", "forename", "الاسم الأول", "الاسم الاول"],
        "family_name": ["last name", "family name", "surname", "lastname", "اسم العائلة", "الكنية", "العائلة", "الشهرة"],
        "kind": ["contact kind", "النوع"],
        "email": ["e-mail", "email address", "e-mail address", "mail", "البريد الإلكتروني", "البريد", "الإيميل", "بريد إلكتروني"],
        "phone": ["mobile", "telephone", "tel", "phone number", "mobile number", "cell", "whatsapp", "الهاتف", "الجوال",
                  "الموبايل", "رقم الهاتف", "هاتف", "الخلوي", "واتساب", "رقم الجوال"],
        "roles": ["role", "الصفة", "الدور", "الأدوار"],
        "tags": ["tag", "labels", "الوسوم", "وسم"],
        "street": ["address", "street address", "العنوان", "الشارع"],
        "city": ["town", "المدينة", "البلدة"],
        "region": ["governorate", "state", "province", "county", "المنطقة", "المحافظة"],
        "postal_code": ["postal code", "postcode", "zip", "zip code", "الرمز البريدي"],
        "country": ["البلد", "الدولة"],
        "language": ["lang", "preferred language", "اللغة"],
        "birth_date": ["date of birth", "dob", "birthday", "تاريخ الميلاد"],
        "gender": ["sex", "genre", "sexe", "الجنس", "النوع الاجتماعي"],
        "source": ["channel", "source channel", "how did you hear", "المصدر"],
        "pep": ["politically exposed", "politically exposed person", "شخص معرض سياسيا", "معرض سياسيا", "شخصية سياسية"],
        "pep_note": ["pep note"],
    ])

    public static let interactionAliases = table([
        "external_id": ["interaction id", "gift id", "donation id", "transaction id", "رقم العملية"],
        "contact_external_id": ["contact id", "donor id", "member id", "contact external id", "رقم المتبرع", "المعرف"],
        "contact_email": ["email", "e-mail", "donor email", "البريد الإلكتروني", "البريد"],
        "contact_phone": ["phone", "mobile", "donor phone", "الهاتف", "الجوال"],
        "type": ["interaction type", "kind", "activity", "النوع", "نوع التفاعل"],
        "date": ["occurred at", "gift date", "donation date", "when", "التاريخ"],
        "amount": ["gift amount", "donation amount", "sum", "المبلغ", "القيمة"],
        "currency": ["العملة"],
        "campaign": ["campaign slug", "الحملة"],
        "event": ["event id", "الفعالية"],
        "restricted": ["is restricted", "مقيد", "مشروط"],
        "conditions": ["condition", "gift conditions", "terms", "الشروط", "شروط"],
        "anonymous": ["is anonymous", "مجهول", "بدون اسم"],
        "hours": ["volunteer hours", "الساعات"],
        "channel": ["القناة"],
        "notes": ["note", "comment", "comments", "ملاحظات", "ملاحظة"],
    ])

    /// What spreadsheets write in a cell that has nothing to say ("-", "N/A", "لا يوجد"):
    /// read as empty, not as a phone number or a name.
    static let emptyMarkers: Set<String> = ["-", "--", "–", "—", "_", "n/a", "na", "none", "nil", "null", "لا يوجد", "لايوجد",
                                            "غير متوفر", "غير متوفره", "لا شيء", "لا شي", "بدون"]

    static func meansNothing(_ cell: String) -> Bool {
        // Called for every cell of an import: the name key (costly) only for a short cell
        // that is not plain ASCII, the only kind an Arabic marker can be.
        guard cell.utf8.count <= 40 else { return false }
        if cell.utf8.allSatisfy({ $0 < 0x80 }) { return emptyMarkers.contains(cell.lowercased()) }
        return emptyMarkers.contains(cell) || emptyMarkers.contains(NameKeys.normalized(cell))
    }

    /// yes/no cells, in English and Arabic; nil for an empty cell.
    static func flag(_ text: String?, field: String) throws -> Bool? {
        guard let text = text?.trimmed.lowercased(), !text.isEmpty else { return nil }
        // Ticks are symbols, which the name key drops: they are looked at first.
        if text == "✓" || text == "✔" || text == "☑" { return true }
        switch NameKeys.normalized(text) {
        case "yes", "y", "true", "t", "1", "x", "نعم", "اجل", "صح", "ايوه", "اي": return true
        case "no", "n", "false", "f", "0", "لا", "كلا", "خطا": return false
        default:
            throw SanadError.invalid("\(field) \"\(text)\" is not yes or no", hint: "write yes or no (نعم أو لا)", field: field)
        }
    }
}
