/// A closed list of words stored as text (roles, channels, interaction types).
///
/// The database spells them with underscores (`close_associate`); people may type hyphens,
/// spaces or any case, and an unknown word is refused with the accepted list and a guess.
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Sendable, Hashable, Codable {
    /// What the word names, for messages ("role", "source channel").
    static var fieldName: String { get }
    /// Other words people use for the same thing (Arabic in both genders and in the plural,
    /// a few unambiguous English ones), by their normalized key (``NameKeys/normalized(_:)``): what an Excel sheet
    /// or a typed option may say instead of the canonical word.
    static var otherWords: [String: Self] { get }
}

extension Vocabulary {
    /// The spelling for people: hyphens instead of underscores.
    public var label: String { rawValue.replacingAll("_", with: "-") }

    /// Reads either spelling (a stored `close_associate`, a typed `close-associate`).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self.lookup(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown \(Self.fieldName) \"\(text)\""))
        }
        self = value
    }

    /// Writes the spelling for people, as every listing shows it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }

    public static var allValueStrings: [String] { allCases.map(\.label) }

    public static var otherWords: [String: Self] { [:] }

    public static func lookup(_ text: String) -> Self? {
        let key = String(text.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 }).trimmedUnderscores
        if let word = allCases.first(where: { $0.rawValue == key }) { return word }
        let words = otherWords
        return words.isEmpty ? nil : words[NameKeys.normalized(text)]
    }

    /// A table of other words, each written as people write it and keyed by its normalized form.
    public static func words(_ entries: [Self: [String]]) -> [String: Self] {
        var table: [String: Self] = [:]
        for (word, spellings) in entries {
            for spelling in spellings { table[NameKeys.normalized(spelling)] = word }
        }
        return table
    }

    /// The word for `text`, or an error listing the accepted words.
    public static func parse(_ text: String) throws -> Self {
        if let value = lookup(text) { return value }
        var hint = "use one of: \(allValueStrings.joined(separator: ", "))"
        if let guess = Suggestion.closest(to: text, among: allValueStrings) { hint = "did you mean \(guess)? " + hint }
        throw SanadError.invalid("unknown \(fieldName) \"\(text)\"", hint: hint)
    }
}

extension String {
    /// Replaces every occurrence of one scalar. Foundation's `replacingOccurrences` matches
    /// Characters on Linux, and misses a quote that a combining mark follows.
    func replacingScalar(_ target: Unicode.Scalar, with replacement: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == target { scalars.append(contentsOf: replacement.unicodeScalars) } else { scalars.append(scalar) }
        }
        return String(scalars)
    }

    func replacingAll(_ target: Unicode.Scalar, with replacement: Unicode.Scalar) -> String {
        replacingScalar(target, with: String(replacement))
    }

    var trimmedUnderscores: String {
        var text = Substring(self)
        while text.first == "_" { text.removeFirst() }
        while text.last == "_" { text.removeLast() }
        return String(text)
    }
}

public enum ContactKind: String, Vocabulary {
    case person, organization
    public static let fieldName = "contact kind"
    public static let otherWords = words([
        .person: ["individual", "فرد", "شخص", "شخصي"],
        .organization: ["organisation", "company", "منظمة", "مؤسسة", "شركة", "جمعية", "جهة"],
    ])
}

/// A person's gender, as the association records it: only so that Arabic text about them
/// agrees (قدّمت، ومن يرتبط بها). Left empty, Arabic uses the masculine, as Arabic does for
/// a person whose gender is not known.
public enum Gender: String, Vocabulary {
    case female, male
    public static let fieldName = "gender"
    public static let otherWords = words([
        .female: ["f", "woman", "أنثى", "انثى", "امرأة", "سيدة", "ست", "أ", "ف", "féminin", "femme"],
        .male: ["m", "man", "ذكر", "رجل", "ذ", "masculin", "homme"],
    ])
}

extension ContactRole {
    /// Whether a role word was written in the Arabic feminine (متطوعة, مؤيدة, ممولة): the
    /// masculine word with ة, naming the same role.
    static func isFeminineArabicWord(_ text: String) -> Bool {
        let key = NameKeys.normalized(text)
        guard key.count > 2, key.last == "ه", let role = otherWords[key] else { return false }
        return otherWords[String(key.dropLast())] == role
    }
}

public enum ContactRole: String, Vocabulary {
    case supporter, funder, volunteer, member, beneficiary, board, staff
    public static let fieldName = "role"
    public static let otherWords = words([
        .supporter: ["مؤيد", "مؤيدة", "مؤيدون", "مناصر", "مناصرة", "داعم", "داعمة"],
        .funder: ["donor", "ممول", "ممولة", "مانح", "مانحة", "متبرع", "متبرعة", "جهة مانحة"],
        .volunteer: ["متطوع", "متطوعة", "متطوعون"],
        .member: ["عضو", "عضوة", "أعضاء"],
        .beneficiary: ["مستفيد", "مستفيدة", "مستفيدون"],
        .board: ["trustee", "مجلس الإدارة", "عضو مجلس الإدارة", "عضو مجلس", "أمين"],
        .staff: ["employee", "موظف", "موظفة", "موظفون"],
    ])
}

public enum SourceChannel: String, Vocabulary {
    case facebook, twitter, instagram, whatsapp, website, event, referral, `import`, other
    public static let fieldName = "source channel"
    public static let otherWords = words([
        .facebook: ["فيسبوك", "فيس بوك", "فايسبوك"],
        .twitter: ["تويتر", "إكس"],
        .instagram: ["انستغرام", "إنستغرام", "انستقرام"],
        .whatsapp: ["واتساب", "واتس اب", "واتس"],
        .website: ["الموقع", "موقع", "الموقع الإلكتروني"],
        .event: ["فعالية", "نشاط", "حدث"],
        .referral: ["إحالة", "توصية", "عن طريق صديق"],
        .import: ["استيراد"],
        .other: ["أخرى", "غير ذلك", "آخر"],
    ])
}

public enum RelationshipKind: String, Vocabulary {
    case spouse, family
    case closeAssociate = "close_associate"
    case employer, controls
    case boardMember = "board_member"
    public static let fieldName = "relationship"

    /// How the relationship reads, from the contact to the related contact.
    public var phrase: String {
        switch self {
        case .spouse: "is the spouse of"
        case .family: "is family of"
        case .closeAssociate: "is a close associate of"
        case .employer: "is employed by"
        case .controls: "controls"
        case .boardMember: "sits on the board of"
        }
    }
}

public enum ConsentChannel: String, Vocabulary {
    case email, sms, phone, post
    public static let fieldName = "consent channel"
    public static let otherWords = words([
        .email: ["بريد إلكتروني", "البريد الإلكتروني", "إيميل"],
        .sms: ["رسائل قصيرة", "رسالة نصية"],
        .phone: ["هاتف", "اتصال"],
        .post: ["بريد", "البريد"],
    ])
}

public enum ConsentStatus: String, Vocabulary {
    case granted, withdrawn, refused
    public static let fieldName = "consent status"
    public static let otherWords = words([
        .granted: ["موافق", "موافقة", "نعم"],
        .withdrawn: ["سحب", "سحب الموافقة", "ألغى"],
        .refused: ["رفض", "لا", "رافض"],
    ])
}

public enum LegalBasis: String, Vocabulary {
    case consent
    case legitimateInterest = "legitimate_interest"
    case softOptIn = "soft_opt_in"
    public static let fieldName = "legal basis"
}

public enum SuppressionReason: String, Vocabulary {
    case unsubscribed
    case bulkEmailOptOut = "bulk_email_opt_out"
    case doNotEmail = "do_not_email"
    case bounced, complained, deceased
    public static let fieldName = "suppression reason"
}

public enum InteractionType: String, Vocabulary {
    case donation, pledge
    case volunteerShift = "volunteer_shift"
    case eventAttendance = "event_attendance"
    case campaignAction = "campaign_action"
    case message, meeting, call
    case socialEngagement = "social_engagement"
    case note
    public static let fieldName = "interaction type"
    public static let otherWords = words([
        .donation: ["تبرع", "تبرّع", "هبة", "منحة"],
        .pledge: ["تعهد", "تعهّد", "وعد"],
        .volunteerShift: ["تطوع", "نوبة تطوع", "ساعات تطوع"],
        .eventAttendance: ["حضور", "حضر"],
        .campaignAction: ["مشاركة في حملة", "توقيع عريضة"],
        .message: ["رسالة"],
        .meeting: ["اجتماع", "لقاء"],
        .call: ["مكالمة", "اتصال"],
        .socialEngagement: ["تفاعل", "إعجاب"],
        .note: ["ملاحظة"],
    ])

    /// Gifts carry an amount, a currency, and may be restricted, conditional or anonymous.
    public var isGift: Bool { self == .donation || self == .pledge }
}

public enum PhoneKind: String, Vocabulary {
    case mobile, landline, home, work, other
    public static let fieldName = "phone kind"
}
