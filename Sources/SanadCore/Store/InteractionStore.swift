public import Foundation
internal import Postgres

/// An interaction as typed, before checking.
public struct InteractionInput: Sendable {
    public var type: String
    public var occurredAt: String?
    public var channel: String?
    public var campaign: String?
    public var eventID: Int64?
    public var notes: String?
    public var amount: String?
    public var currency: String?
    public var isRestricted: Bool?
    public var conditions: String?
    public var isAnonymous: Bool?
    public var hours: String?
    public var stripDirectionControls = false
    /// The moment when `occurredAt` is not given (an update keeps the stored one).
    public var occurredAtExact: Date?

    public init(type: String) {
        self.type = type
    }
}

/// A checked interaction, ready to store.
public struct InteractionDraft: Sendable {
    public var type: InteractionType
    public var occurredAt: Date
    public var channel: String?
    public var campaignSlug: String?
    public var eventID: Int64?
    public var notes: String?
    public var amount: Decimal?
    public var currency: String?
    public var isRestricted: Bool?
    public var conditions: String?
    public var isAnonymous: Bool?
    public var hours: Decimal?

    /// A draft exactly as given, unchecked: for generators that build valid drafts themselves.
    public init(type: InteractionType, occurredAt: Date, channel: String? = nil, campaignSlug: String? = nil, eventID: Int64? = nil,
                notes: String? = nil, amount: Decimal? = nil, currency: String? = nil, isRestricted: Bool? = nil,
                conditions: String? = nil, isAnonymous: Bool? = nil, hours: Decimal? = nil) {
        self.type = type
        self.occurredAt = occurredAt
        self.channel = channel
        self.campaignSlug = campaignSlug
        self.eventID = eventID
        self.notes = notes
        self.amount = amount
        self.currency = currency
        self.isRestricted = isRestricted
        self.conditions = conditions
        self.isAnonymous = isAnonymous
        self.hours = hours
    }

    /// The conditions and notes in Sanad's normalized form, for matching words in them.
    public var conditionsKey: String? { conditions.map(NameKeys.normalized) }
    public var notesKey: String? { notes.map(NameKeys.normalized) }
}

extension InteractionInput {
    /// Checks every field for the interaction's type: gifts need an amount and may carry
    /// conditions; volunteer shifts may carry hours; nothing else takes money.
    public func validated(for association: Association, now: Date = Date()) throws -> InteractionDraft {
        let type = try InteractionType.parse(self.type)
        let timeZone = association.zone
        let occurredAt = try occurredAt.flatMap { $0.isEmpty ? nil : $0 }
            .map { try InputValues.moment($0, field: "date", timeZone: timeZone) } ?? occurredAtExact ?? now
        if type != .pledge, occurredAt > now.addingTimeInterval(24 * 3600) {
            throw SanadError.invalid("a \(type.label) cannot happen in the future (\(JSONText.isoTimestamp(occurredAt)))",
                                     hint: "only pledges may be dated ahead", field: "date")
        }
        var draft = InteractionDraft(
            type: type, occurredAt: occurredAt,
            channel: try TextRules.cleanedText(channel, field: "channel", maxLength: 50),
            campaignSlug: try campaign.flatMap { $0.isEmpty ? nil : $0 }.map { try InputValues.slug($0, field: "campaign") },
            eventID: eventID,
            notes: try TextRules.cleanedText(notes, field: "notes", removeDirectionControls: stripDirectionControls))
        let hasGiftFields = amount != nil || currency != nil || isRestricted != nil || conditions != nil || isAnonymous != nil
        if type.isGift {
            guard let amountText = amount, !amountText.isEmpty else {
                throw SanadError.invalid("a \(type.label) needs an amount", hint: "add --amount 100 (and --currency if not \(association.baseCurrency))", field: "amount")
            }
            let currency = try InputValues.currency(self.currency.flatMap { $0.isEmpty ? nil : $0 } ?? association.baseCurrency)
            draft.currency = currency
            draft.amount = try InputValues.amount(amountText, currency: currency)
            draft.isRestricted = isRestricted ?? false
            draft.isAnonymous = isAnonymous ?? false
            draft.conditions = try TextRules.cleanedText(conditions, field: "conditions", removeDirectionControls: stripDirectionControls)
        } else if hasGiftFields {
            throw SanadError.invalid("only donations and pledges take an amount, currency, conditions, restriction or anonymity",
                                     hint: "log it as a donation or pledge, or drop those options", field: "amount")
        }
        if let hoursText = hours, !hoursText.isEmpty {
            guard type == .volunteerShift else {
                throw SanadError.invalid("only volunteer shifts take hours", hint: "log it as volunteer-shift", field: "hours")
            }
            let ascii = InputValues.asciiDigits(hoursText)
            guard let value = Decimal(string: ascii, locale: Locale(identifier: "en_US_POSIX")), value > 0, value <= 24 * 31,
                  InputValues.isDecimalLiteral(ascii, maxDecimals: 2) else {
                throw SanadError.invalid("hours \"\(hoursText)\" must be a number above zero, such as 3.5", hint: "use a dot for decimals", field: "hours")
            }
            draft.hours = value
        } else if type == .volunteerShift {
            throw SanadError.invalid("a volunteer shift needs its hours", hint: "add --hours 3.5 (the hours given)", field: "hours")
        }
        return draft
    }
}

/// Interactions of one association.
public struct InteractionStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// Stores an interaction on a contact.
    @discardableResult
    public func log(_ draft: InteractionDraft, contact: Int64) throws -> Int64 {
        try ContactStore(transaction).requireContact(contact)
        let campaignID = try draft.campaignSlug.map { try CampaignStore(transaction).id(of: $0) }
        if let eventID = draft.eventID {
            guard let row = try transaction.query("SELECT starts_at FROM events WHERE id = \(eventID)").first else {
                throw SanadError.notFound("there is no event #\(eventID)", hint: "see the events", remedy: .listEvents, field: "event")
            }
            let startsAt: Date = try row.decode("starts_at")
            if draft.type == .eventAttendance, startsAt > Date() {
                throw SanadError.invalid("event #\(eventID) has not happened yet (it starts \(JSONText.isoTimestamp(startsAt)))",
                                         hint: "record attendance once it has begun", field: "event")
            }
        }
        return try transaction.query("""
            INSERT INTO interactions (contact_id, type, occurred_at, channel, campaign_id, event_id, notes, amount, currency,
                                      is_restricted, conditions, is_anonymous, hours, conditions_key, notes_key, keys_version)
            VALUES (\(contact), \(draft.type.rawValue), \(draft.occurredAt), \(draft.channel), \(campaignID), \(draft.eventID),
                    \(draft.notes), \(draft.amount), \(draft.currency), \(draft.isRestricted), \(draft.conditions),
                    \(draft.isAnonymous), \(draft.hours), \(draft.conditionsKey), \(draft.notesKey), \(NameKeys.version))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// Lets this transaction see deleted and refunded interactions too.
    public func includeVoided() throws {
        try transaction.query("SELECT set_config('sanad.include_voided', 'on', true)")
    }

    /// One interaction (deleted and refunded ones too).
    public func interaction(_ id: Int64) throws -> Interaction {
        try includeVoided()
        guard let row = try transaction.query("""
            SELECT \(Interaction.columns) FROM interactions i JOIN contacts c ON c.id = i.contact_id
            LEFT JOIN campaigns cp ON cp.id = i.campaign_id WHERE i.id = \(id)
            """).singleRow() else {
            throw SanadError.notFound("there is no interaction #\(id)", hint: "list them with interaction list --contact ID")
        }
        return try row.decode(Interaction.self)
    }

    /// Corrects an interaction: `change` edits what was stored, as typed input, and the
    /// whole is checked again as when it was logged. Its type stays. Audited field by field.
    public func update(_ id: Int64, _ change: (inout InteractionInput) -> Void) throws -> Interaction {
        let current = try interaction(id)
        guard current.voided == nil else {
            throw SanadError.conflict("interaction #\(id) was \(current.voided!)", hint: "restore it first: interaction delete \(id) --restore")
        }
        var input = InteractionInput(type: current.type.rawValue)
        input.occurredAtExact = current.at
        input.channel = current.channel
        input.campaign = current.campaign
        input.eventID = current.eventID
        input.notes = current.notes
        input.amount = current.amount.map { "\($0)" }
        input.currency = current.currency
        input.isRestricted = current.isRestricted
        input.conditions = current.conditions
        input.isAnonymous = current.isAnonymous
        input.hours = current.hours.map { "\($0)" }
        change(&input)
        let draft = try input.validated(for: transaction.association)
        let campaignID = try draft.campaignSlug.map { try CampaignStore(transaction).id(of: $0) }
        try transaction.execute("""
            UPDATE interactions SET occurred_at = \(draft.occurredAt), channel = \(draft.channel), campaign_id = \(campaignID),
                   event_id = \(draft.eventID), notes = \(draft.notes), amount = \(draft.amount), currency = \(draft.currency),
                   is_restricted = \(draft.isRestricted), conditions = \(draft.conditions), is_anonymous = \(draft.isAnonymous),
                   hours = \(draft.hours), conditions_key = \(draft.conditionsKey), notes_key = \(draft.notesKey),
                   keys_version = \(NameKeys.version)
            WHERE id = \(id)
            """)
        return try interaction(id)
    }

    /// Deletes (softly) or refunds an interaction: it stays, with who, when and why, and
    /// counts nowhere from now on.
    public func void(_ id: Int64, as kind: String, reason: String) throws -> Interaction {
        try requireVoidable(try interaction(id), as: kind)
        try markVoided(id, as: kind, reason: reason)
        try transaction.audit(kind == "refunded" ? "interaction.refund" : "interaction.delete", entity: "interactions", id: id)
        return try interaction(id)
    }

    /// Refunds part of a donation: the donation is marked refunded with the amount given back,
    /// and its remainder (a new row, pointing back at it) keeps counting. A refund of the
    /// whole amount is a plain refund.
    ///
    /// - Returns: the refunded donation and, for a partial refund, its remainder.
    public func refund(_ id: Int64, amount text: String?, reason: String) throws -> (refunded: Interaction, remainder: Interaction?) {
        let current = try interaction(id)
        try requireVoidable(current, as: "refunded")
        // The amount given back, when it is less than the whole gift.
        var refunded: Decimal?
        if let text, let amount = current.amount, let currency = current.currency {
            let given = try InputValues.amount(text, currency: currency, field: "refund amount")
            guard given <= amount else {
                throw SanadError.invalid("a refund of \(given) \(currency) is more than the gift #\(id) (\(amount) \(currency))",
                                         hint: "give at most \(amount), or leave --amount out to refund the whole gift", field: "amount")
            }
            if given < amount { refunded = given }
        }
        try markVoided(id, as: "refunded", reason: reason, refunded: refunded)
        guard let refunded, let currency = current.currency else {
            try transaction.audit("interaction.refund", entity: "interactions", id: id)
            return (try interaction(id), nil)
        }
        // The remainder is the same gift for what is kept; the import key stays with the
        // original, so importing the same file again brings back neither.
        let remainder = try transaction.query("""
            INSERT INTO interactions (contact_id, type, occurred_at, channel, campaign_id, event_id, notes, amount, currency,
                                      is_restricted, conditions, is_anonymous, hours, conditions_key, notes_key, keys_version, remainder_of)
            SELECT contact_id, type, occurred_at, channel, campaign_id, event_id, notes, amount - \(refunded), currency,
                   is_restricted, conditions, is_anonymous, hours, conditions_key, notes_key, keys_version, id
            FROM interactions WHERE id = \(id)
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
        try transaction.audit("interaction.refund", entity: "interactions", id: id,
                              details: ["refunded": "\(refunded)", "currency": currency, "remainder": String(remainder)])
        return (try interaction(id), try interaction(remainder))
    }

    /// Marks the row deleted or refunded, with who, when and why (and, for a partial refund,
    /// how much went back).
    private func markVoided(_ id: Int64, as kind: String, reason text: String, refunded: Decimal? = nil) throws {
        guard let reason = try TextRules.cleanedText(text, field: "reason", maxLength: 500) else {
            throw SanadError.invalid("a \(kind == "refunded" ? "refund" : "deletion") needs a reason", hint: "add --reason \"what happened\"", field: "reason")
        }
        try transaction.execute("""
            UPDATE interactions SET voided_at = now(), voided_by = session_user, void_kind = \(kind), void_reason = \(reason),
                   refunded_amount = \(refunded)
            WHERE id = \(id)
            """)
    }

    private func requireVoidable(_ current: Interaction, as kind: String) throws {
        if let voided = current.voided {
            throw SanadError.conflict("interaction #\(current.id) was \(voided) already", hint: "restore it with: interaction delete \(current.id) --restore")
        }
        if kind == "refunded" && current.type != .donation {
            throw SanadError.invalid("only a donation can be refunded; #\(current.id) is a \(current.type.label)",
                                     hint: "delete it instead: interaction delete \(current.id) --reason \"...\"")
        }
    }

    /// Undoes a deletion or a refund (a partial refund's remainder goes).
    public func restore(_ id: Int64) throws -> Interaction {
        let current = try interaction(id)
        guard current.voided != nil else {
            throw SanadError.usage("interaction #\(id) is neither deleted nor refunded", hint: "nothing to restore")
        }
        if let remainder = try transaction.query("SELECT id, void_kind FROM interactions WHERE remainder_of = \(id)").singleRow() {
            let (remainderID, remainderVoided) = try remainder.decode(Int64.self, String?.self)
            if let remainderVoided {
                throw SanadError.conflict("the remainder of #\(id), #\(remainderID), was \(remainderVoided) since",
                                          hint: "restore that first: interaction delete \(remainderID) --restore")
            }
            try transaction.execute("DELETE FROM interactions WHERE id = \(remainderID)")
        }
        try transaction.execute("""
            UPDATE interactions SET voided_at = NULL, voided_by = NULL, void_kind = NULL, void_reason = NULL, refunded_amount = NULL
            WHERE id = \(id)
            """)
        try transaction.audit("interaction.restore", entity: "interactions", id: id)
        return try interaction(id)
    }

    public struct Filter: Sendable {
        public var id: Int64?
        public var contact: Int64?
        public var type: InteractionType?
        public var campaign: String?
        public var from: Date?
        public var to: Date?

        public init() {}
    }

    /// Interactions matching `filter`, newest first.
    public func list(_ filter: Filter, limit: Int = 100) throws -> [Interaction] {
        try transaction.query("""
            SELECT \(Interaction.columns)
            FROM interactions i
            JOIN contacts c ON c.id = i.contact_id
            LEFT JOIN campaigns cp ON cp.id = i.campaign_id
            WHERE \(try conditions(filter))
            ORDER BY i.occurred_at DESC, i.id DESC LIMIT \(limit)
            """).map { try $0.decode(Interaction.self) }
    }

    /// How many interactions match `filter` in all.
    public func count(_ filter: Filter) throws -> Int {
        try transaction.query("SELECT count(*) AS count FROM interactions i WHERE \(try conditions(filter))")[0].decode("count")
    }

    private func conditions(_ filter: Filter) throws -> SQL {
        var conditions: [SQL] = ["true"]
        if let id = filter.id { conditions.append("i.id = \(id)") }
        if let contact = filter.contact {
            try ContactStore(transaction).requireContact(contact, allowDeleted: true)
            conditions.append("i.contact_id = \(contact)")
        }
        if let type = filter.type { conditions.append("i.type = \(type.rawValue)") }
        if let campaign = filter.campaign { conditions.append("i.campaign_id = \(try CampaignStore(transaction).id(of: campaign))") }
        if let from = filter.from { conditions.append("i.occurred_at >= \(from)") }
        if let to = filter.to { conditions.append("i.occurred_at < \(to)") }
        return SQL.joined(conditions, separator: " AND ")
    }
}

/// Something that happened between the association and a contact.
public struct Interaction: Sendable, Codable, Equatable {
    public var id: Int64
    public var contactID: Int64
    /// The contact's display name.
    public var contact: String
    public var type: InteractionType
    public var at: Date
    public var channel: String?
    /// The campaign's slug.
    public var campaign: String?
    public var eventID: Int64?
    public var amount: Decimal?
    public var currency: String?
    public var isRestricted: Bool?
    public var conditions: String?
    public var isAnonymous: Bool?
    public var hours: Decimal?
    public var notes: String?
    /// `deleted` or `refunded` when corrected (such interactions count nowhere).
    public var voided: String?
    public var voidReason: String?
    /// What a partial refund gave back (the rest stands as the remainder).
    public var refundedAmount: Decimal?
    /// The donation this row is what remains of, after a partial refund.
    public var remainderOf: Int64?
    /// For a donation refunded in part: the row that carries what is kept.
    public var remainderID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, contactID = "contact_id", contact, type, at, channel, campaign, eventID = "event_id", amount, currency,
             isRestricted = "restricted", conditions, isAnonymous = "anonymous", hours, notes, voided, voidReason = "void_reason",
             refundedAmount = "refunded_amount", remainderOf = "remainder_of", remainderID = "remainder_id"
    }

    /// Over `interactions i`, `contacts c` and `campaigns cp`.
    static let columns: SQL = """
        i.id, i.contact_id, c.display_name AS contact, i.type, i.occurred_at AS at, i.channel, cp.slug AS campaign, i.event_id,
        i.amount, i.currency, i.is_restricted AS restricted, i.conditions, i.is_anonymous AS anonymous, i.hours, i.notes,
        i.void_kind AS voided, i.void_reason, i.refunded_amount, i.remainder_of,
        CASE WHEN i.refunded_amount IS NOT NULL THEN (SELECT r.id FROM interactions r WHERE r.remainder_of = i.id) END AS remainder_id
        """
}
