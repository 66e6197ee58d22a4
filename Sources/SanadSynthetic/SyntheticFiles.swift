public import SanadCore
internal import Foundation

/// Writes a generated association as the CSV files `sanad contact import` reads, plus the
/// labelled pairs duplicate detection is measured against.
public struct SyntheticFiles {
    public let generator: SyntheticAssociation

    public init(_ generator: SyntheticAssociation) {
        self.generator = generator
    }

    public static let contactColumns = ["external_id", "name", "given_name", "family_name", "kind", "email", "phone", "roles",
                                        "tags", "city", "region", "country", "language", "birth_date", "source", "pep", "pep_note",
                                        "gender"]
    public static let interactionColumns = ["external_id", "contact_external_id", "type", "date", "amount", "currency", "campaign",
                                            "restricted", "conditions", "anonymous", "hours", "channel", "notes"]

    public struct Written: Sendable {
        public var contacts = 0
        public var interactions = 0
        public var duplicatePairs = 0
        public var familyPairs = 0
    }

    /// Writes `contacts.csv`, `interactions.csv` (omitted when `interactions` is false),
    /// `campaigns.csv` (the campaigns interactions name; create them before importing) and
    /// `pairs.csv` into `directory`, each atomically.
    ///
    /// - Parameter replacing: replace files of those names already in `directory`.
    public func write(to directory: String, interactions: Bool = true, progress: ProgressFactory = SilentProgress.factory, replacing: Bool = false) throws -> Written {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written = Written()
        var campaigns = CSVText.row(["slug", "title", "problem", "place", "start", "end", "goal_beneficiaries", "goal_amount",
                                     "goal_currency", "goal_people"])
        for campaign in generator.campaigns {
            campaigns += CSVText.row([campaign.slug, campaign.title, campaign.problem ?? "", campaign.place ?? "", campaign.startsOn,
                                      campaign.endsOn, campaign.goalBeneficiaries.map(String.init) ?? "", campaign.goalAmount ?? "",
                                      campaign.goalCurrency ?? "", campaign.goalPeopleEngaged.map(String.init) ?? ""])
        }
        try AtomicFile.write(Data(campaigns.utf8), to: directory + "/campaigns.csv", replacing: replacing)
        let contactsFile = try AtomicFile(path: directory + "/contacts.csv", replacing: replacing)
        let interactionsFile = interactions ? try AtomicFile(path: directory + "/interactions.csv", replacing: replacing) : nil
        let pairsFile = try AtomicFile(path: directory + "/pairs.csv", replacing: replacing)
        try contactsFile.write(CSVText.row(Self.contactColumns).utf8)
        try interactionsFile?.write(CSVText.row(Self.interactionColumns).utf8)
        try pairsFile.write(CSVText.row(["external_id_a", "external_id_b", "label"]).utf8)
        let progress = progress("contacts", generator.configuration.contacts)
        var buffer = ""
        var interactionBuffer = ""
        for index in 0..<generator.configuration.contacts {
            let contact = generator.contact(index)
            let input = contact.input
            buffer += CSVText.row([
                contact.externalID, input.displayName ?? "", input.givenName ?? "", input.familyName ?? "", input.kind ?? "person",
                input.emails.joined(separator: ";"), input.phones.joined(separator: ";"), input.roles.joined(separator: ";"),
                input.tags.joined(separator: ";"), input.city ?? "", input.region ?? "", input.country ?? "", input.language ?? "",
                input.birthDate ?? "", input.source ?? "", input.isPEP == true ? "yes" : "", input.pepNote ?? "",
                input.gender ?? "",
            ])
            if let original = contact.duplicateOf {
                try pairsFile.write(CSVText.row([generator.externalID(original), contact.externalID, "duplicate"]).utf8)
                written.duplicatePairs += 1
            }
            if let head = contact.familyOf {
                try pairsFile.write(CSVText.row([generator.externalID(head), contact.externalID, "family"]).utf8)
                written.familyPairs += 1
            }
            if let interactionsFile {
                for interaction in generator.interactions(of: contact) {
                    let draft = interaction.draft
                    interactionBuffer += CSVText.row([
                        interaction.importKey, contact.externalID, draft.type.label, JSONText.isoTimestamp(draft.occurredAt),
                        draft.amount?.description ?? "", draft.currency ?? "", draft.campaignSlug ?? "",
                        draft.isRestricted == true ? "yes" : "", draft.conditions ?? "", draft.isAnonymous == true ? "yes" : "",
                        draft.hours?.description ?? "", draft.channel ?? "", draft.notes ?? "",
                    ])
                    written.interactions += 1
                }
                if interactionBuffer.utf8.count > 1 << 20 {
                    try interactionsFile.write(interactionBuffer.utf8)
                    interactionBuffer = ""
                }
            }
            if buffer.utf8.count > 1 << 20 {
                try contactsFile.write(buffer.utf8)
                buffer = ""
            }
            written.contacts += 1
            progress.advance()
        }
        try contactsFile.write(buffer.utf8)
        try interactionsFile?.write(interactionBuffer.utf8)
        try contactsFile.commit()
        try interactionsFile?.commit()
        try pairsFile.commit()
        progress.finish()
        return written
    }
}
