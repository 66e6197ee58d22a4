internal import ArgumentParser
internal import Foundation
internal import Postgres
internal import SanadCore
internal import SanadCommandKit

struct InteractionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interaction",
        abstract: "Log and list what happens between the association and its contacts.",
        subcommands: [Log.self, List.self, Update.self, Delete.self, Refund.self, Import.self]
    )

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log an interaction: donation, pledge, volunteer-shift, event-attendance, campaign-action, message, meeting, call, social-engagement, note.",
            discussion: """
                Examples:
                  sanad interaction log 42 donation --amount 250 --currency USD --campaign winter-2026
                  sanad interaction log 42 donation --amount 5000 --restricted --conditions "للمنح الدراسية فقط"
                  sanad interaction log 7 volunteer-shift --hours 4.5 --at "2026-11-20 09:00" --event 3
                """)

        @Argument(help: "The contact's id.") var contact: Int64
        @Argument(help: "The interaction type.") var type: String
        @Option(help: "When, YYYY-MM-DD[ HH:MM] in the association's time zone (default: now).") var at: String?
        @Option(help: "Channel it happened on (phone, facebook, in person, ...).") var channel: String?
        @Option(help: "The campaign's slug.") var campaign: String?
        @Option(help: "The event's id.") var event: Int64?
        @Option(help: "Notes.") var notes: String?
        @Option(help: "Amount of a donation or pledge.") var amount: String?
        @Option(help: "ISO 4217 currency (default: the association's).") var currency: String?
        @Flag(help: "The gift is restricted to a purpose.") var restricted = false
        @Option(help: "Conditions the funder attached to the gift, as written.") var conditions: String?
        @Flag(help: "The donor asked to stay anonymous.") var anonymous = false
        @Option(help: "Hours of a volunteer shift.") var hours: String?
        @Flag(help: "Remove invisible direction-control characters from texts instead of refusing them.")
        var stripDirectionControls = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            var input = InteractionInput(type: type)
            input.occurredAt = at
            input.channel = channel
            input.campaign = campaign
            input.eventID = event
            input.notes = notes
            input.amount = amount
            input.currency = currency
            input.isRestricted = restricted ? true : nil
            input.conditions = conditions
            input.isAnonymous = anonymous ? true : nil
            input.hours = hours
            input.stripDirectionControls = stripDirectionControls
            let work = try CommandContext.work(global, format)
            let records = try work.change { transaction in
                let draft = try input.validated(for: transaction.association)
                let store = InteractionStore(transaction)
                var logged = InteractionStore.Filter()
                logged.id = try store.log(draft, contact: contact)
                return try store.list(logged, limit: 1)
            }
            work.writer.print(records[0])
            if amount != nil, currency == nil {
                // An amount typed without a currency is easy to misread (LBP or USD?): say which.
                Console.note("recorded in \(work.association.baseCurrency), the association's currency (give --currency for another)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List interactions, newest first.",
            discussion: "Examples:\n  sanad interaction list --contact 42\n  sanad interaction list --type donation --from 2026-01-01 --format csv")

        @Option(help: "Only this contact's.") var contact: Int64?
        @Option(help: "Only this type.") var type: String?
        @Option(help: "Only this campaign's (slug).") var campaign: String?
        @Option(help: "From this day or moment (inclusive).") var from: String?
        @Option(help: "Until this day or moment (exclusive).") var to: String?
        @Option(help: "At most this many.") var limit = 100
        @Flag(help: "Include deleted and refunded interactions.") var all = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let timeZone = work.association.zone
            var filter = InteractionStore.Filter()
            filter.contact = contact
            filter.type = try type.map(InteractionType.parse)
            filter.campaign = campaign
            filter.from = try from.map { try InputValues.moment($0, field: "--from", timeZone: timeZone) }
            filter.to = try to.map { try InputValues.moment($0, field: "--to", timeZone: timeZone) }
            let (records, total) = try work.read { transaction in
                if all { try InteractionStore(transaction).includeVoided() }
                return (try InteractionStore(transaction).list(filter, limit: limit), try InteractionStore(transaction).count(filter))
            }
            work.writer.print(records)
            pageNote(shown: records.count, offset: 0, total: total, noun: "interactions")
        }
    }
}

extension InteractionCommand {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct an interaction: its date, amount, currency, campaign, notes, conditions, hours. Audited field by field.",
            discussion: """
                What is given replaces what was stored; the whole is checked again as when it was logged. The type stays \
                (delete and log again to change it).

                Examples:
                  sanad interaction update 311 --amount 150
                  sanad interaction update 311 --at 2026-11-20 --campaign winter-2026
                """)
        @Argument(help: "The interaction's id.") var id: Int64
        @Option(name: [.customLong("at"), .customLong("date")], help: "When it happened (as interaction log --at).") var date: String?
        @Option(help: "The amount (gifts).") var amount: String?
        @Option(help: "The currency (gifts).") var currency: String?
        @Option(help: "The campaign (slug); an empty value removes it.") var campaign: String?
        @Option(help: "The channel.") var channel: String?
        @Option(help: "Notes; an empty value removes them.") var notes: String?
        @Option(help: "The gift's conditions; an empty value removes them.") var conditions: String?
        @Option(help: "Hours (volunteer shifts).") var hours: String?
        @Flag(inversion: .prefixedNo, help: "Whether the gift is restricted.") var restricted: Bool?
        @Flag(inversion: .prefixedNo, help: "Whether the gift is anonymous.") var anonymous: Bool?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let updated = try work.change { transaction in
                try InteractionStore(transaction).update(id) { input in
                    if let date { input.occurredAt = date }
                    if let amount { input.amount = amount }
                    if let currency { input.currency = currency }
                    if let campaign { input.campaign = campaign.isEmpty ? nil : campaign }
                    if let channel { input.channel = channel.isEmpty ? nil : channel }
                    if let notes { input.notes = notes.isEmpty ? nil : notes }
                    if let conditions { input.conditions = conditions.isEmpty ? nil : conditions }
                    if let hours { input.hours = hours }
                    if let restricted { input.isRestricted = restricted }
                    if let anonymous { input.isAnonymous = anonymous }
                }
            }
            work.writer.print(updated)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an interaction logged by mistake: it stays, with who, when and why, and counts nowhere (--restore undoes it).",
            discussion: """
                Examples:
                  sanad interaction delete 311 --reason "logged twice"
                  sanad interaction delete 311 --restore
                """)
        @Argument(help: "The interaction's id.") var id: Int64
        @Option(help: "Why (kept with it).") var reason: String?
        @Flag(help: "Undo a deletion or a refund.") var restore = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let result = try work.change { transaction in
                restore ? try InteractionStore(transaction).restore(id)
                    : try InteractionStore(transaction).void(id, as: "deleted", reason: reason ?? "")
            }
            work.writer.print(result)
        }
    }

    struct Refund: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refund a donation, whole or in part: the refunded gift stays in the history and counts in no total, segment or audit.",
            discussion: """
                With --amount, only that much is given back: the gift is marked refunded with the amount, and what the \
                association keeps stands as a new donation (its remainder, same date, campaign and conditions), which \
                the totals, segments and the audit count.

                Examples:
                  sanad interaction refund 311 --reason "returned at the donor's request"
                  sanad interaction refund 312 --amount 200 --reason "the donor gave 200 too much"
                  sanad interaction delete 311 --restore     (undoes the refund; a remainder goes)
                """)
        @Argument(help: "The donation's id.") var id: Int64
        @Option(help: "Why (kept with it).") var reason: String
        @Option(help: "How much is given back, in the gift's currency (the whole gift when left out).") var amount: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let (refunded, remainder) = try work.change { try InteractionStore($0).refund(id, amount: amount, reason: reason) }
            work.writer.print(refunded)
            if let remainder, let amount = remainder.amount, let currency = remainder.currency {
                Console.note("#\(refunded.id) is refunded in part; the \(amount) \(currency) kept count as #\(remainder.id).")
            }
        }
    }
}

struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record consent per channel, and suppression states (unsubscribed, bounced, deceased, ...).",
        subcommands: [Set.self, Show.self, Suppress.self, Lift.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record consent given, withdrawn or refused on a channel (email, sms, phone, post).",
            discussion: """
                Examples:
                  sanad consent set 42 email granted --basis consent --source "website form" --wording "Send me the monthly newsletter"
                  sanad consent set 42 email withdrawn --source "phone call"
                """,
            // People say "record consent": the word finds this command and its help.
            aliases: ["record"])

        @Argument(help: "The contact's id.") var contact: Int64
        @Argument(help: "email, sms, phone or post.") var channel: String
        @Argument(help: "granted, withdrawn or refused.") var status: String
        @Option(help: "Legal basis: consent, legitimate-interest or soft-opt-in (required when granted).") var basis: String?
        @Option(help: "Where it was given (form, event, call).") var source: String?
        @Option(help: "The exact wording shown to the person.") var wording: String?
        @Option(help: "When it was given (default: now).") var at: String?
        @Option(help: "When it stops being valid.") var expires: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            let entry = try ConsentEntry.typed(channel: channel, status: status, basis: basis, source: source, wording: wording,
                                               at: at, expires: expires, timeZone: work.association.zone)
            try work.change { try ConsentStore($0).record(entry, for: contact) }
            Console.say("Recorded \(channel) consent \(status) for contact #\(contact).")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a contact's consent history and suppression states.",
            discussion: "Example:\n  sanad consent show 42")

        @Argument(help: "The contact's id.") var contact: Int64
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let (history, suppressions) = try work.read { transaction in
                let store = ConsentStore(transaction)
                return (try store.history(of: contact), try store.suppressions(of: contact))
            }
            let writer = work.writer
            switch format.format {
            case .json:
                writer.print(["contact_id": .integer(contact), "consent_history": .list(history.map { .record(OutputRecord(encoding: $0)) }),
                              "suppressions": .list(suppressions.map { .record(OutputRecord(encoding: $0)) })])
            case .csv:
                writer.print(history)
            case .table:
                writer.message("Consent history:")
                writer.print(history)
                writer.message("\nSuppression states:")
                writer.print(suppressions)
            }
        }
    }

    struct Suppress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a contact: unsubscribed, bulk-email-opt-out, do-not-email, bounced, complained or deceased.",
            discussion: "Example:\n  sanad consent suppress 42 do-not-email --note \"asked by phone\"")

        @Argument(help: "The contact's id.") var contact: Int64
        @Argument(help: "The suppression state.") var reason: String
        @Option(help: "Where it came from.") var source: String?
        @Option(help: "A note.") var note: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let state = try SuppressionReason.parse(reason)
            let work = try CommandContext.work(global)
            try work.change { transaction in
                try ConsentStore(transaction).suppress(contact, reason: state,
                                                       source: try TextRules.cleanedText(source, field: "source", maxLength: 200),
                                                       note: try TextRules.cleanedText(note, field: "note"))
            }
            Console.say("Contact #\(contact) is now marked \(state.label).")
        }
    }

    struct Lift: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a suppression state (its record is kept).",
            discussion: "Example:\n  sanad consent lift 42 bounced")

        @Argument(help: "The contact's id.") var contact: Int64
        @Argument(help: "The suppression state.") var reason: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let state = try SuppressionReason.parse(reason)
            let work = try CommandContext.work(global)
            try work.change { transaction in try ConsentStore(transaction).lift(contact, reason: state) }
            Console.say("Lifted \(state.label) for contact #\(contact).")
        }
    }
}
