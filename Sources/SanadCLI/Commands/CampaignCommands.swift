internal import ArgumentParser
internal import Foundation
internal import SanadCore
internal import SanadCommandKit

struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Campaigns: one problem, one place, one period, measurable goals.",
        subcommands: [Add.self, List.self, Show.self, Progress.self, Update.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a campaign.",
            discussion: """
                Example:
                  sanad campaign add winter-2026 --title "حملة الشتاء" --problem "Families without heating" --place "Tripoli, Bab al-Tabbaneh" \\
                    --start 2026-12-01 --end 2027-02-28 --goal-beneficiaries 500 --goal-amount 20000 --goal-currency USD --goal-people 300
                """)

        @Argument(help: "Short name: lowercase letters, digits and hyphens.") var slug: String
        @Option(help: "Title.") var title: String
        @Option(help: "The problem it tackles.") var problem: String?
        @Option(help: "Where.") var place: String?
        @Option(help: "First day, YYYY-MM-DD.") var start: String
        @Option(help: "Last day, YYYY-MM-DD.") var end: String
        @Option(help: "Beneficiaries to reach.") var goalBeneficiaries: Int?
        @Option(help: "Amount to raise.") var goalAmount: String?
        @Option(help: "Currency of the amount (default: the association's).") var goalCurrency: String?
        @Option(help: "People to engage.") var goalPeople: Int?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            var input = CampaignInput(slug: slug, title: title, startsOn: start, endsOn: end)
            input.problem = problem
            input.place = place
            input.goalBeneficiaries = goalBeneficiaries
            input.goalAmount = goalAmount
            input.goalCurrency = goalCurrency
            input.goalPeopleEngaged = goalPeople
            let work = try CommandContext.work(global, format)
            let record = try work.change { transaction in
                let store = CampaignStore(transaction)
                try store.add(input)
                return try store.show(slug)
            }
            work.writer.print(record)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns, latest first.", discussion: "Example:\n  sanad campaign list -a tripoli-relief --format json")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { try CampaignStore($0).list() }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a campaign.", discussion: "Example:\n  sanad campaign show winter-2026")

        @Argument(help: "The campaign's slug.") var slug: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { try CampaignStore($0).show(slug) }
        }
    }

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Goals against measured values: beneficiaries reached, amount raised, people engaged.",
            discussion: "Example:\n  sanad campaign progress winter-2026")

        @Argument(help: "The campaign's slug.") var slug: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let progress = try work.read { try CampaignStore($0).progress(slug) }
            work.writer.print(Self.records(progress))
            let rates = progress.latestRates.map { "1 \($0.currency) = \($0.rate) \(work.association.baseCurrency) (from \($0.validOn))" }
            if !rates.isEmpty { Console.note("converted into \(progress.currency) at the rate of each gift's day; latest rates: " + rates.joined(separator: ", ")) }
            if let warning = UnconvertedGifts.warning(progress.unconverted, baseCurrency: work.association.baseCurrency) {
                Console.note("warning: the amounts are incomplete: " + warning)
            }
        }

        static func records(_ progress: CampaignProgress) -> [OutputRecord] {
            [
                ["goal": .text("beneficiaries reached"), "target": .of(progress.goalBeneficiaries), "measured": .integer(progress.beneficiariesReached),
                 "percent": .of(CampaignProgress.percent(Decimal(progress.beneficiariesReached), of: progress.goalBeneficiaries.map { Decimal($0) })),
                 "unit": .text("people")],
                ["goal": .text("amount raised"), "target": .of(progress.goalAmount), "measured": .decimal(progress.raised),
                 "percent": .of(CampaignProgress.percent(progress.raised, of: progress.goalAmount)), "unit": .text(progress.currency)],
                ["goal": .text("amount pledged"), "target": .of(progress.goalAmount), "measured": .decimal(progress.pledged),
                 "percent": .of(CampaignProgress.percent(progress.pledged, of: progress.goalAmount)), "unit": .text(progress.currency)],
                ["goal": .text("people engaged"), "target": .of(progress.goalPeopleEngaged), "measured": .integer(progress.peopleEngaged),
                 "percent": .of(CampaignProgress.percent(Decimal(progress.peopleEngaged), of: progress.goalPeopleEngaged.map { Decimal($0) })),
                 "unit": .text("contacts")],
            ]
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a campaign: its title, problem, place, period, goals, or the beneficiaries reached.",
            discussion: """
                Only the options given change; the others keep their values.

                Examples:
                  sanad campaign update winter-2026 --beneficiaries-reached 320
                  sanad campaign update winter-2026 --end 2027-01-31 --goal-amount 25000 --goal-currency USD
                """)

        @Argument(help: "The campaign's slug.") var slug: String
        @Option(help: "A new title.") var title: String?
        @Option(help: "The problem it addresses.") var problem: String?
        @Option(help: "Where it takes place.") var place: String?
        @Option(help: "A new first day, YYYY-MM-DD.") var start: String?
        @Option(help: "A new last day, YYYY-MM-DD.") var end: String?
        @Option(help: "Beneficiaries to reach.") var goalBeneficiaries: Int?
        @Option(help: "Amount to raise.") var goalAmount: String?
        @Option(help: "Currency of the goal amount (default: the association's).") var goalCurrency: String?
        @Option(help: "People to engage.") var goalPeople: Int?
        @Option(help: "Beneficiaries reached so far.") var beneficiariesReached: Int?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func validate() throws {
            let given: [Any?] = [title, problem, place, start, end, goalBeneficiaries, goalAmount, goalCurrency, goalPeople, beneficiariesReached]
            guard given.contains(where: { $0 != nil }) else {
                throw ValidationError("say what to change, such as --end 2027-01-31 or --beneficiaries-reached 320")
            }
        }

        func run() throws {
            let work = try CommandContext.work(global, format)
            let campaign = try work.change { transaction in
                let store = CampaignStore(transaction)
                if let beneficiariesReached { try store.recordBeneficiaries(slug, reached: beneficiariesReached) }
                let changesFields = [title, problem, place, start, end, goalAmount, goalCurrency].contains { $0 != nil }
                    || goalBeneficiaries != nil || goalPeople != nil
                guard changesFields else { return try store.show(slug) }
                return try store.update(slug) { input in
                    if let title { input.title = title }
                    if let problem { input.problem = problem }
                    if let place { input.place = place }
                    if let start { input.startsOn = start }
                    if let end { input.endsOn = end }
                    if let goalBeneficiaries { input.goalBeneficiaries = goalBeneficiaries }
                    if let goalAmount { input.goalAmount = goalAmount }
                    if let goalCurrency { input.goalCurrency = goalCurrency }
                    if let goalPeople { input.goalPeopleEngaged = goalPeople }
                }
            }
            work.writer.print(campaign)
        }
    }
}

struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "The association's calendar of events.",
        subcommands: [Add.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an event to the calendar.",
            discussion: """
                Example:
                  sanad event add "Volunteer training" --start "2026-12-05 17:00" --end "2026-12-05 19:00" --place "Community hall" --capacity 40 --campaign winter-2026
                """)

        @Argument(help: "Title.") var title: String
        @Option(help: "Start, YYYY-MM-DD HH:MM in the association's time zone.") var start: String
        @Option(help: "End.") var end: String?
        @Option(help: "Place.") var place: String?
        @Option(help: "The campaign it belongs to (slug).") var campaign: String?
        @Option(help: "How many people it can take.") var capacity: Int?
        @Option(help: "Description.") var description: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            var input = EventInput(title: title, startsAt: start)
            input.endsAt = end
            input.place = place
            input.campaign = campaign
            input.capacity = capacity
            input.description = description
            let work = try CommandContext.work(global, format)
            let event = try work.change { transaction in
                let store = EventStore(transaction)
                return try store.event(try store.add(input))
            }
            work.writer.print(event)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List events in order.", discussion: "Example:\n  sanad event list --from 2026-12-01 --to 2027-01-01")

        @Option(help: "From this day or moment.") var from: String?
        @Option(help: "Until this day or moment (exclusive).") var to: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let events = try work.read { transaction in
                let timeZone = transaction.association.zone
                return try EventStore(transaction).list(
                    from: try from.map { try InputValues.moment($0, field: "--from", timeZone: timeZone) },
                    to: try to.map { try InputValues.moment($0, field: "--to", timeZone: timeZone) })
            }
            work.writer.print(events)
        }
    }
}

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "The association's calendar: events in a period, or an iCalendar file for any calendar program.",
        discussion: """
            Examples:
              sanad calendar --from 2026-12-01 --to 2027-01-01
              sanad calendar --ics events.ics
            """)

    @Option(help: "From this day (default: today).") var from: String?
    @Option(help: "Until this day, exclusive (default: 90 days later).") var to: String?
    @Option(help: "Write an iCalendar (.ics) file here instead of printing (- for standard output).") var ics: String?
    @Flag(help: "Replace the --ics file if it exists.") var force = false
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: FormatOptions

    func run() throws {
        let work = try CommandContext.work(global, format)
        let association = work.association
        let timeZone = association.zone
        let start = try from.map { try InputValues.moment($0, field: "--from", timeZone: timeZone) }
            ?? Calendar.current.startOfDay(for: Date())
        let end = try to.map { try InputValues.moment($0, field: "--to", timeZone: timeZone) } ?? start.addingTimeInterval(90 * 86_400)
        guard end > start else { throw SanadError.usage("--to must come after --from", hint: "swap them") }
        let events = try work.read { try EventStore($0).list(from: start, to: end) }
        guard let ics else {
            work.writer.print(events)
            return
        }
        let document = ICalendar.document(events, association: association)
        if ics == "-" {
            CommandIO.current.write(document, to: .standardOutput)
        } else {
            try AtomicFile.write(Data(document.utf8), to: ics, replacing: force)
            Console.say("Wrote \(events.count) event(s) to \(ics).")
        }
    }
}

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Static groups: contacts picked by hand (for rule-based groups, see segments).",
        subcommands: [Create.self, List.self, Add.self, Remove.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group.", discussion: "Example:\n  sanad group create \"Founding members\"")
        @Argument(help: "The group's name.") var name: String
        @Option(help: "What the group is for.") var description: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in try GroupStore(transaction).create(name, description: description) }
            Console.say("Created group \"\(name)\".")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups with their sizes (members: sanad contact list --group NAME).",
                                                        discussion: "Example:\n  sanad group list --format csv")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { try GroupStore($0).list() }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add contacts to a group.", discussion: "Example:\n  sanad group add \"Founding members\" 12 13 40")
        @Argument(help: "The group's name.") var name: String
        @Argument(help: "Contact ids.") var contacts: [Int64]
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in try GroupStore(transaction).add(contacts, to: name) }
            Console.say("Added \(contacts.count) contact(s) to \"\(name)\".")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove contacts from a group.", discussion: "Example:\n  sanad group remove \"Board of trustees\" 42 57")
        @Argument(help: "The group's name.") var name: String
        @Argument(help: "Contact ids.") var contacts: [Int64]
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in try GroupStore(transaction).remove(contacts, from: name) }
            Console.say("Removed \(contacts.count) contact(s) from \"\(name)\".")
        }
    }
}
