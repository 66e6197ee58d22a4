public import Foundation
public import Postgres

/// A civil-society association: the unit of isolation. Everything else belongs to one.
public struct Association: Sendable, Hashable, Codable {
    public var id: Int64
    /// Short name used on the command line (`-a SLUG`).
    public var slug: String
    public var name: String
    /// ISO 3166 country code, such as `LB`.
    public var country: String
    /// The region libphonenumber assumes for phones written without a country code.
    public var phoneRegion: String
    /// ISO 4217 code of the currency the association accounts in.
    public var baseCurrency: String
    /// IANA time zone name; schedules and "this year" follow it.
    public var timeZone: String
    /// ISO 639 language code of the association's own texts (`ar`, `en`).
    public var language: String
    public var createdAt: Date

    // The id is the database's; people and programs name an association by its slug.
    enum CodingKeys: String, CodingKey {
        case slug, name, country, phoneRegion = "phone_region", baseCurrency = "currency", timeZone = "time_zone", language,
             createdAt = "created_at"
    }

    private enum IdentityKeys: String, CodingKey { case id }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try decoder.container(keyedBy: IdentityKeys.self).decodeIfPresent(Int64.self, forKey: .id) ?? 0
        slug = try container.decode(String.self, forKey: .slug)
        name = try container.decode(String.self, forKey: .name)
        country = try container.decode(String.self, forKey: .country)
        phoneRegion = try container.decode(String.self, forKey: .phoneRegion)
        baseCurrency = try container.decode(String.self, forKey: .baseCurrency)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        language = try container.decode(String.self, forKey: .language)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
    }

    static let columns: SQL = "id, slug, name, country, phone_region, base_currency, time_zone, language, created_at"

    init(row: Row) throws {
        (id, slug, name, country, phoneRegion, baseCurrency, timeZone, language, createdAt) =
            try row.decode(Int64.self, String.self, String.self, String.self, String.self, String.self,
                           String.self, String.self, Date.self)
    }

    public init(id: Int64, slug: String, name: String, country: String, phoneRegion: String,
                baseCurrency: String, timeZone: String, language: String, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.country = country
        self.phoneRegion = phoneRegion
        self.baseCurrency = baseCurrency
        self.timeZone = timeZone
        self.language = language
        self.createdAt = createdAt
    }

    /// Whether the association writes right to left (Arabic, Persian, Hebrew, Urdu).
    public var isRightToLeft: Bool {
        ["ar", "fa", "he", "ur", "ps", "ckb", "dv", "yi"].contains(language)
    }
}

/// What it takes to create an association.
public struct NewAssociation: Sendable {
    public var slug: String
    public var name: String
    public var country: String
    public var phoneRegion: String?
    public var baseCurrency: String
    public var timeZone: String
    public var language: String

    public init(slug: String, name: String, country: String, phoneRegion: String? = nil,
                baseCurrency: String, timeZone: String, language: String) {
        self.slug = slug
        self.name = name
        self.country = country
        self.phoneRegion = phoneRegion
        self.baseCurrency = baseCurrency
        self.timeZone = timeZone
        self.language = language
    }

    /// Normalizes case and checks every field against its standard.
    ///
    /// - Throws: ``SanadError`` naming the field and the accepted form.
    public func validated() throws -> NewAssociation {
        var copy = self
        copy.slug = try InputValues.slug(slug, field: "slug")
        copy.name = try TextRules.cleanedName(name, field: "name")
        copy.country = try StandardCodes.country(country)
        copy.phoneRegion = try StandardCodes.country(phoneRegion ?? country, field: "phone region")
        copy.baseCurrency = try StandardCodes.currency(baseCurrency)
        copy.language = try StandardCodes.language(language)
        guard TimeZone(identifier: timeZone) != nil, timeZone.contains("/") || timeZone == "UTC" else {
            throw SanadError.invalid("time zone \"\(timeZone)\" is not known", hint: "use an IANA name such as Asia/Beirut or Europe/London")
        }
        return copy
    }
}

extension Association {
    /// The association's time zone: schedules, "this year" and every time shown to people
    /// follow it. (A stored name is checked when the association is created.)
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    /// The calendar day it is now where the association is.
    public var today: CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!) ?? CalendarDate(utc: Date())
    }
}
