internal import ArgumentParser
internal import Foundation
internal import Glibc
internal import SanadCore
internal import SanadCommandKit
internal import Logging

struct AssociationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "association",
        abstract: "Create and list associations (each one's data is isolated from the others).",
        subcommands: [Add.self, List.self, Show.self, Config.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an association.",
            discussion: """
                The currency, the language and the time zone follow from the country where there is one obvious \
                answer (LB: LBP, ar, Asia/Beirut); where there is not (the United States has several time zones), \
                Sanad asks on a terminal, or says which to give.

                Examples:
                  sanad association add tripoli-relief --name "جمعية طرابلس للإغاثة" --country LB
                  sanad association add leeds-food --name "Leeds Food Aid" --country GB --currency GBP --time-zone Europe/London --language en
                  sanad association add boston-aid --name "Boston Aid" --country US --time-zone America/New_York
                """)

        @Argument(help: "Short name used with --association: lowercase letters, digits and hyphens.")
        var slug: String
        @Option(help: "The association's name, as it writes it.")
        var name: String
        @Option(help: "ISO 3166 country code (LB, JO, GB, ...).")
        var country: String
        @Option(help: "Region assumed for phones written without a country code (default: the country).")
        var phoneRegion: String?
        @Option(help: "ISO 4217 currency the association accounts in (default: the country's).")
        var currency: String?
        @Option(help: "IANA time zone for schedules and calendars (default: the country's, when it has one).")
        var timeZone: String?
        @Option(help: "ISO 639 language of the association's texts (default: the country's main language).")
        var language: String?
        @OptionGroup var format: FormatOptions

        func run() throws {
            let code = try StandardCodes.country(country)
            let defaults = CountryDefaults.of(code)
            let chosenCurrency = try currency ?? defaults.currency ?? Self.missing("currency", country: code, option: "--currency",
                                                                                 example: "USD")
            let chosenLanguage = try language ?? defaults.language ?? Self.missing("language", country: code, option: "--language",
                                                                                 example: "ar")
            let chosenZone = try timeZone ?? defaults.timeZone ?? Self.askZone(country: code, among: defaults.timeZones)
            let context = try CommandContext.open(GlobalOptions())
            let association = try context.createAssociation(
                NewAssociation(slug: slug, name: name, country: code, phoneRegion: phoneRegion,
                               baseCurrency: chosenCurrency, timeZone: chosenZone, language: chosenLanguage))
            context.writer(format, association: association).print(association)
            let derived = [currency == nil ? "currency \(chosenCurrency)" : nil, language == nil ? "language \(chosenLanguage)" : nil,
                           timeZone == nil ? "time zone \(chosenZone)" : nil].compactMap { $0 }
            if !derived.isEmpty {
                Console.note("from the country \(code): \(derived.joined(separator: ", ")) (change with sanad association config)")
            }
        }

        static func missing(_ what: String, country: String, option: String, example: String) throws -> String {
            throw SanadError.usage("\(country) has no single obvious \(what)", hint: "give it with \(option), such as \(option) \(example)")
        }

        /// The zone among several: asked on a terminal, else named in the error.
        static func askZone(country: String, among zones: [String]) throws -> String {
            guard !zones.isEmpty else {
                throw SanadError.usage("the time zone of \(country) is not known here", hint: "give it with --time-zone, such as --time-zone Asia/Beirut")
            }
            let shown = zones.prefix(12).joined(separator: ", ") + (zones.count > 12 ? ", …" : "")
            guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else {
                throw SanadError.usage("\(country) has \(zones.count) time zones: \(shown)", hint: "give one with --time-zone, such as --time-zone \(zones[0])")
            }
            var prompt = "\(country) has \(zones.count) time zones:\n"
            for (index, zone) in zones.enumerated() { prompt += "  \(index + 1). \(zone)\n" }
            CommandIO.current.write(prompt + "Which one (number or name)? ", to: .standardError)
            guard let answer = readLine()?.trimmingCharacters(in: .whitespaces), !answer.isEmpty else {
                throw SanadError.usage("no time zone was chosen", hint: "give one with --time-zone \(zones[0])")
            }
            if let number = Int(answer), (1...zones.count).contains(number) { return zones[number - 1] }
            guard let zone = zones.first(where: { $0.caseInsensitiveCompare(answer) == .orderedSame }) else {
                throw SanadError.usage("\"\(answer)\" is not one of the \(country) time zones", hint: "give one with --time-zone \(zones[0])")
            }
            return zone
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an association and everything in it (contacts, history, plugins' data, audit log).",
            discussion: """
                This cannot be undone: take a backup first (pg_dump, see the README).
                Example:
                  sanad association remove old-test --yes
                """)
        @Argument(help: "The association's slug.") var slug: String
        @Flag(help: "Confirm: removing cannot be undone.") var yes = false

        func run() throws {
            let context = try CommandContext.open(GlobalOptions())
            let directory = try context.ownerDirectory(for: "removing an association")
            let association = try directory.resolve(slug: slug)
            guard yes else {
                throw SanadError.usage("removing \(association.slug) deletes all its data for good",
                                       hint: "take a backup, then run again with --yes")
            }
            let rows = try directory.remove(association)
            context.logger.notice("association removed", metadata: ["association": "\(association.id)", "rows": "\(rows)"])
            Console.say("Association \(association.slug) removed (\(rows) rows).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List all associations.", discussion: "Example:\n  sanad association list --format csv")

        @OptionGroup var format: FormatOptions

        func run() throws {
            let context = try CommandContext.open(GlobalOptions())
            let associations = try context.directory.list()
            // Each association's times are its own clock's, here as in `association show`.
            var records = [OutputRecord](encoding: associations)
            for (index, association) in associations.enumerated() {
                guard let field = records[index].fields.firstIndex(where: { $0.name == "created_at" }) else { continue }
                records[index].fields[field].value = .text(format.format == .table
                    ? TimestampText.local(association.createdAt, in: association.zone)
                    : JSONText.isoTimestamp(association.createdAt, in: association.zone))
            }
            context.writer(format).print(records)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one association.",
            discussion: "Example:\n  sanad association show tripoli-relief")

        @Argument(help: "The association's slug (default: --association, or the only one).")
        var slug: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let context = try CommandContext.open(global)
            let association = try context.directory.resolve(slug: slug ?? global.associationSlug)
            context.writer(format, association: association).print(association)
        }
    }
}
