internal import ArgumentParser
internal import Foundation
internal import SanadCore
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
                Examples:
                  sanad association add tripoli-relief --name "جمعية طرابلس للإغاثة" --country LB --currency LBP --time-zone Asia/Beirut --language ar
                  sanad association add leeds-food --name "Leeds Food Aid" --country GB --currency GBP --time-zone Europe/London --language en
                """)

        @Argument(help: "Short name used with --association: lowercase letters, digits and hyphens.")
        var slug: String
        @Option(help: "The association's name, as it writes it.")
        var name: String
        @Option(help: "ISO 3166 country code (LB, JO, GB, ...).")
        var country: String
        @Option(help: "Region assumed for phones written without a country code (default: the country).")
        var phoneRegion: String?
        @Option(help: "ISO 4217 currency the association accounts in (LBP, USD, GBP, ...).")
        var currency: String
        @Option(help: "IANA time zone for schedules and calendars (Asia/Beirut, Europe/London, ...).")
        var timeZone: String
        @Option(help: "ISO 639 language of the association's texts (ar, en, fr, ...).")
        var language: String
        @OptionGroup var format: FormatOptions

        func run() throws {
            let context = try CommandContext.open(GlobalOptions())
            let association = try context.directory.create(
                NewAssociation(slug: slug, name: name, country: country, phoneRegion: phoneRegion,
                               baseCurrency: currency, timeZone: timeZone, language: language),
                actor: context.actor)
            context.writer(format, association: association).print(association.outputRecord)
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
            let association = try context.directory.resolve(slug: slug)
            guard yes else {
                throw SanadError.usage("removing \(association.slug) deletes all its data for good",
                                       hint: "take a backup, then run again with --yes")
            }
            let rows = try context.directory.remove(association)
            context.logger.notice("association removed", metadata: ["association": "\(association.id)", "rows": "\(rows)"])
            Console.say("Association \(association.slug) removed (\(rows) rows).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List all associations.", discussion: "Example:\n  sanad association list --format csv")

        @OptionGroup var format: FormatOptions

        func run() throws {
            let context = try CommandContext.open(GlobalOptions())
            context.writer(format).print(try context.directory.list().map(\.outputRecord))
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
            context.writer(format, association: association).print(association.outputRecord)
        }
    }
}

extension Association {
    var outputRecord: OutputRecord {
        [
            "slug": .text(slug), "name": .text(name), "country": .text(country), "phone_region": .text(phoneRegion),
            "currency": .text(baseCurrency), "time_zone": .text(timeZone), "language": .text(language),
            "created_at": .timestamp(createdAt),
        ]
    }
}
