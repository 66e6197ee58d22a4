internal import Foundation
internal import InfluenceAudit
internal import Postgres
internal import SanadCore
internal import SanadSynthetic
internal import SanadCommandKit
internal import Segmentation

/// One of the demo's two associations: how it is made, and the story planted in it.
struct DemoAssociation {
    let slug: String
    let new: NewAssociation
    let arabic: Bool

    static let all = [
        DemoAssociation(slug: "demo-ar", new: NewAssociation(slug: "demo-ar", name: "جمعية الأمل للتنمية", country: "LB",
                                                              baseCurrency: "USD", timeZone: "Asia/Beirut", language: "ar"), arabic: true),
        DemoAssociation(slug: "demo-en", new: NewAssociation(slug: "demo-en", name: "Northern Hope Trust", country: "GB",
                                                              baseCurrency: "GBP", timeZone: "Europe/London", language: "en"), arabic: false),
    ]

    /// The demo's segments: slug, rule, description.
    func segments(upcomingPlace: String?) -> [(slug: String, rule: String, description: String)] {
        var segments = [
            ("lybunt", "lybunt", arabic ? "تبرعوا العام الماضي ولم يتبرعوا هذا العام" : "Gave last year, not yet this year"),
            ("facebook-never-acted", "source is facebook and never acted",
             arabic ? "مؤيدون من فيسبوك لم يشاركوا في أي نشاط بعد" : "Facebook supporters who never acted"),
        ]
        if let upcomingPlace {
            segments.append(("volunteers-near-event", "role is volunteer and city is \"\(upcomingPlace.replacingOccurrences(of: "\"", with: ""))\"",
                             arabic ? "متطوعون قرب النشاط القادم في \(upcomingPlace)" : "Volunteers near the next event, in \(upcomingPlace)"))
        }
        return segments
    }

    /// A funder group that hides behind three names: a businessman, his wife (a trustee) and
    /// his company, with his brother a member of parliament. Together they give about a
    /// third of the year's income, the company's gift asks for the member list and votes,
    /// and a contract goes to the company without the trustee declaring her interest.
    func plantInfluenceCase(_ transaction: AssociationTransaction) throws {
        let income = try transaction.query("""
            SELECT coalesce(sum(\(MoneySQL.inBaseCurrency(amount: "i.amount", currency: "i.currency", at: "i.occurred_at",
                                                         association: transaction.association))), 0)
            FROM interactions i WHERE i.type = 'donation' AND i.occurred_at >= now() - interval '12 months'
            """)[0].decode(Decimal.self, at: 0)
        let base = max(income, 20_000)
        func contact(_ name: String, kind: String = "person", roles: [String], pep: String? = nil) throws -> Int64 {
            var input = ContactInput()
            input.displayName = name
            input.kind = kind
            input.roles = roles
            input.source = "referral"
            if let pep { input.isPEP = true; input.pepNote = pep }
            return try ContactStore(transaction).create(try input.validated(for: transaction.association))
        }
        func give(_ contact: Int64, _ share: Decimal, daysAgo: Int, conditions: String? = nil) throws {
            var input = InteractionInput(type: "donation")
            input.amount = "\(Int(truncating: (base * share) as NSDecimalNumber))"
            input.occurredAt = Self.day(daysAgo: daysAgo, in: transaction.association)
            input.conditions = conditions
            input.isRestricted = conditions == nil ? nil : true
            try InteractionStore(transaction).log(try input.validated(for: transaction.association), contact: contact)
        }
        let fadi = try contact(arabic ? "فادي كرم" : "Frank Carter", roles: ["funder"])
        let rima = try contact(arabic ? "ريما كرم" : "Rose Carter", roles: ["funder", "board"])
        let company = try contact(arabic ? "شركة كرم القابضة" : "Carter Holdings Ltd", kind: "organization", roles: ["funder"])
        let brother = try contact(arabic ? "نبيل كرم" : "Neil Carter", roles: ["supporter"],
                                  pep: arabic ? "نائب في البرلمان" : "Member of Parliament")
        let store = ContactStore(transaction)
        try store.relate(fadi, .spouse, rima, since: nil, until: nil, note: nil)
        try store.relate(fadi, .controls, company, since: nil, until: nil, note: nil)
        try store.relate(brother, .family, fadi, since: nil, until: nil, note: nil)
        try give(fadi, Decimal(12) / 100, daysAgo: 150)
        try give(rima, Decimal(10) / 100, daysAgo: 120)
        try give(company, Decimal(25) / 100, daysAgo: 45, conditions: arabic
            ? "بشرط تسليم قائمة المؤيدين ودعوتهم للتصويت لمرشحنا في الانتخابات البلدية"
            : "On condition that you share your member list and ask supporters to vote for our candidate in the council elections")
        try give(brother, Decimal(1) / 100, daysAgo: 40)
        let audit = AuditStore(transaction)
        _ = try audit.addElection(name: arabic ? "الانتخابات البلدية" : "Council elections",
                                  announced: CalendarDate(day(daysAgo: 60)), polling: CalendarDate(day(daysAgo: 20)), region: nil)
        _ = try audit.addDecision(on: CalendarDate(day(daysAgo: 10)),
                                  subject: arabic ? "عقد تموين حملة الشتاء" : "Catering contract for the winter appeal",
                                  beneficiary: company, amount: base * Decimal(15) / 100, declared: [], recused: [])
    }

    func day(daysAgo: Int) -> String { Self.day(daysAgo: daysAgo, in: nil) }

    /// `YYYY-MM-DD` some days ago (in the association's time zone when given).
    static func day(daysAgo: Int, in association: Association?) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = association.flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt
        let date = calendar.date(byAdding: .day, value: -daysAgo, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

extension CalendarDate {
    /// A day written `YYYY-MM-DD` by the demo itself.
    init(_ iso: String) {
        self = CalendarDate(iso: iso) ?? CalendarDate(utc: Date())
    }
}
