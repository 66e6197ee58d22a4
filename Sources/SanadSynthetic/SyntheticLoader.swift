public import SanadCore
internal import Foundation
internal import Postgres

/// Loads a generated association through the same set-based bulk paths an import uses.
public struct SyntheticLoader {
    public struct Report: Sendable {
        public var contacts: ContactBulkLoader.Summary
        public var interactions: InteractionBulkLoader.Summary
        public var relationships = 0
        public var consents = 0
        public var suppressions = 0
        public var campaigns = 0
        public var events = 0
        public var seconds: Double = 0
    }

    public let generator: SyntheticAssociation

    public init(_ generator: SyntheticAssociation) {
        self.generator = generator
    }

    /// Loads everything in one transaction: all of it or nothing.
    public func load(into session: AssociationSession, progress: ProgressFactory = SilentProgress.factory) throws -> Report {
        let started = Date()
        var report = try session.transaction { transaction in
            let campaigns = generator.campaigns
            let existing = Set(try transaction.query("SELECT slug FROM campaigns").map { try $0.decode(String.self, at: 0) })
            for campaign in campaigns where !existing.contains(campaign.slug) {
                try CampaignStore(transaction).add(campaign)
            }
            var eventIDs: [Int64] = []
            let eventStore = EventStore(transaction)
            for event in generator.events { eventIDs.append(try eventStore.add(event)) }

            var relationships: [(String, String, String)] = []
            var consents: [(String, GeneratedConsent)] = []
            var suppressions: [(String, String)] = []
            let contactProgress = progress("contacts", generator.configuration.contacts)
            let contacts = try ContactBulkLoader(transaction, policy: .skip).load { writer in
                for index in 0..<generator.configuration.contacts {
                    let contact = generator.contact(index)
                    try writer.add(line: index + 1, try contact.input.validated(for: transaction.association))
                    if let head = contact.familyOf, let kind = contact.relationshipToHead {
                        relationships.append((contact.externalID, generator.externalID(head), kind.rawValue))
                    }
                    if let controller = contact.controlledBy {
                        relationships.append((generator.externalID(controller), contact.externalID, RelationshipKind.controls.rawValue))
                    }
                    if let consent = contact.consent { consents.append((contact.externalID, consent)) }
                    if let reason = contact.suppression { suppressions.append((contact.externalID, reason.rawValue)) }
                    contactProgress.advance()
                }
            }
            contactProgress.finish()
            var report = Report(contacts: contacts, interactions: InteractionBulkLoader.Summary())
            report.campaigns = campaigns.count
            report.events = eventIDs.count
            report.relationships = try insertRelationships(relationships, transaction)
            report.consents = try insertConsents(consents, transaction)
            report.suppressions = try insertSuppressions(suppressions, transaction)

            let interactionProgress = progress("interactions", nil)
            var line = 0
            report.interactions = try InteractionBulkLoader(transaction).load { writer in
                for index in 0..<generator.configuration.contacts {
                    let contact = generator.contact(index)
                    for interaction in generator.interactions(of: contact) {
                        line += 1
                        var draft = interaction.draft
                        draft.eventID = interaction.eventIndex.map { eventIDs[$0] }
                        try writer.add(line: line, importKey: interaction.importKey,
                                       contact: ContactReference(externalID: contact.externalID), draft)
                        interactionProgress.advance()
                    }
                }
            }
            interactionProgress.finish()
            try transaction.audit("synthetic.load", entity: "associations", id: transaction.association.id,
                                  details: ["contacts": String(contacts.inserted), "interactions": String(report.interactions.inserted),
                                            "seed": String(generator.configuration.seed)])
            return report
        }
        try session.maintainAfterBulkLoad(tables: AssociationSession.bulkLoadedTables)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func insertRelationships(_ rows: [(String, String, String)], _ transaction: AssociationTransaction) throws -> Int {
        try transaction.execute("CREATE TEMP TABLE generated_relationships (a text, b text, kind text) ON COMMIT DROP")
        try transaction.copyIn("COPY generated_relationships FROM STDIN") { writer in
            for (a, b, kind) in rows { try writer.writeRow([a, b, kind]) }
        }
        return try transaction.execute("""
            INSERT INTO contact_relationships (contact_id, related_contact_id, kind)
            SELECT ca.id, cb.id, g.kind FROM generated_relationships g
            JOIN contacts ca ON ca.external_id = g.a JOIN contacts cb ON cb.external_id = g.b
            WHERE ca.id <> cb.id
            ON CONFLICT DO NOTHING
            """)
    }

    private func insertConsents(_ rows: [(String, GeneratedConsent)], _ transaction: AssociationTransaction) throws -> Int {
        try transaction.execute("""
            CREATE TEMP TABLE generated_consents (external_id text, status text, basis text, source text, wording text,
                                                  recorded_at timestamptz, expires_at timestamptz) ON COMMIT DROP
            """)
        try transaction.copyIn("COPY generated_consents FROM STDIN") { writer in
            for (externalID, consent) in rows {
                try writer.writeRow([externalID, consent.status.rawValue, consent.basis?.rawValue, consent.source, consent.wording,
                                     JSONText.isoTimestamp(consent.recordedAt), consent.expiresAt.map(JSONText.isoTimestamp)])
            }
        }
        return try transaction.execute("""
            INSERT INTO consent_records (contact_id, channel, status, legal_basis, source, wording, recorded_at, expires_at)
            SELECT c.id, 'email', g.status, g.basis, g.source, g.wording, g.recorded_at, g.expires_at
            FROM generated_consents g JOIN contacts c ON c.external_id = g.external_id
            """)
    }

    private func insertSuppressions(_ rows: [(String, String)], _ transaction: AssociationTransaction) throws -> Int {
        try transaction.execute("CREATE TEMP TABLE generated_suppressions (external_id text, reason text) ON COMMIT DROP")
        try transaction.copyIn("COPY generated_suppressions FROM STDIN") { writer in
            for (externalID, reason) in rows { try writer.writeRow([externalID, reason]) }
        }
        return try transaction.execute("""
            INSERT INTO contact_suppressions (contact_id, reason, source)
            SELECT c.id, g.reason, 'generated' FROM generated_suppressions g JOIN contacts c ON c.external_id = g.external_id
            ON CONFLICT (association_id, contact_id, reason) WHERE lifted_at IS NULL DO NOTHING
            """)
    }
}

extension SyntheticAssociation {
    /// The external id of the row at `index`.
    public func externalID(_ index: Int) -> String {
        String(format: "S%llu-%07d", configuration.seed, index)
    }
}
