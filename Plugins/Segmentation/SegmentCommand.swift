internal import SanadCommandKit
internal import ArgumentParser
internal import Foundation
internal import Postgres
internal import SanadCore

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segments: contacts chosen by a rule (refreshed on a schedule), or picked by hand.",
        discussion: """
            A rule is written in a small language (its whole grammar: sanad segment rules), for example:
              role is volunteer and city is Tripoli and attended 1+ events this year
              gave at least 100 USD in the last 365 days and can email
              lybunt or (source is facebook and never acted)
              tag is "حملة الشتاء" and not suppressed

            Examples:
              sanad segment preview --rule 'role is volunteer and city is طرابلس'
              sanad segment create lybunt --rule 'lybunt' --schedule '0 3 * * *'
              sanad segment members lybunt --format csv
            """,
        subcommands: [Create.self, Preview.self, List.self, Show.self, Members.self, Refresh.self, History.self, Edit.self,
                      Delete.self, Include.self, Exclude.self, Rules.self]
    )

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the rule language: every condition a segment's rule may use.",
            discussion: "Example:\n  sanad segment rules")

        func run() throws {
            Console.say(RuleGrammar.text)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a segment and fill it: dynamic with --rule (or --rule-json), static with --static.",
            discussion: """
                Examples:
                  sanad segment create lybunt --rule 'lybunt' --description "Gave last year, not this year" --schedule '0 3 * * *'
                  sanad segment create board-picks --static
                """)

        @Argument(help: "Short name: lowercase letters, digits and hyphens.") var slug: String
        @Option(help: "The rule, in the rule language or as JSON.") var rule: String?
        @Flag(name: .customLong("static"), help: "Members are picked by hand (sanad segment include).") var isStatic = false
        @Option(help: "What the segment is for.") var description: String?
        @Option(help: "Refresh it on this cron schedule, in the association's time zone.") var schedule: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func validate() throws {
            guard (rule != nil) != isStatic else { throw ValidationError("give --rule for a dynamic segment, or --static") }
            if isStatic && schedule != nil { throw ValidationError("a static segment has nothing to refresh on a schedule") }
        }

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            let (summary, unconverted) = try work.change { transaction in
                let store = SegmentStore(transaction)
                try store.create(slug, rule: rule.map(RuleSource.init), description: description, cron: schedule)
                let left = try rule.map { try store.unconverted(try RuleSource($0).parsed().0) } ?? []
                return (try store.summary(slug), left)
            }
            warnUnconverted(unconverted, work.association, segment: slug)
            work.writer.print(summary)
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count and sample the contacts a rule selects now; nothing is saved.",
            discussion: "Example:\n  sanad segment preview --rule 'gave at least 100 USD this year and not can email'")

        @Option(help: "The rule, in the rule language or as JSON.") var rule: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            let preview = try work.change { transaction in
                try SegmentStore(transaction).preview(RuleSource(rule), sample: work.configuration.integer("preview_sample"))
            }
            let writer = work.writer
            if format.format == .table {
                writer.message("\(preview.count) contact(s) match. A sample:")
                writer.print(preview.sample)
            } else {
                writer.print(preview)
            }
            warnUnconverted(preview.unconverted, work.association)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List segments with their sizes and last refresh.", discussion: "Example:\n  sanad segment list --format csv")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            let segments = try work.read { try SegmentStore($0).list() }
            work.writer.print(segments)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a segment: its rule, size, schedule and last refresh.", discussion: "Example:\n  sanad segment show lybunt --sql")
        @Argument(help: "The segment's slug.") var slug: String
        @Flag(help: "Also show the SQL the rule compiles to (values appear as $n).") var sql = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            let record = try work.change { transaction -> OutputRecord in
                let store = SegmentStore(transaction)
                var record = OutputRecord(encoding: try store.summary(slug))
                if sql, let text = try store.summary(slug).rule {
                    record.append("sql", .text(try store.memberQuery(try RuleParser.parse(text)).textWithPlaceholders))
                }
                return record
            }
            work.writer.print(record)
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a segment's members as of its last refresh.",
            discussion: "Example:\n  sanad segment members lybunt --format csv > lybunt.csv")
        @Argument(help: "The segment's slug.") var slug: String
        @Option(help: "At most this many.") var limit = 1000
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            let members = try work.read { try SegmentStore($0).members(slug, limit: limit) }
            work.writer.print(members)
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute a segment's members now (atomically), or all dynamic segments with --all.",
            discussion: "Examples:\n  sanad segment refresh lybunt\n  sanad segment refresh --all")
        @Argument(help: "The segment's slug.") var slug: String?
        @Flag(help: "Refresh every dynamic segment, each after the segments it uses.") var all = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func validate() throws {
            guard (slug != nil) != all else { throw ValidationError("give a segment's slug, or --all") }
        }

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            let results = try work.change { transaction in
                let store = SegmentStore(transaction)
                let progress = ProgressReporter("segments")
                defer { progress.finish() }
                return try (slug.map { [$0] } ?? store.refreshOrder()).map { slug in
                    defer { progress.advance() }
                    return try store.refresh(slug, trigger: "manual")
                }
            }
            work.writer.print(results.map {
                ["segment": .text($0.slug), "members": .integer(Int64($0.members)), "joined": .integer(Int64($0.joined)),
                 "left": .integer(Int64($0.left)), "duration_ms": .integer(Int64($0.milliseconds))]
            })
            for result in results { warnUnconverted(result.unconverted, work.association, segment: result.slug) }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A segment's refreshes (size, joined, left, duration), or with --changes who joined and left.", discussion: "Example:\n  sanad segment history lybunt --changes")
        @Argument(help: "The segment's slug.") var slug: String
        @Flag(help: "List the contacts who joined and left.") var changes = false
        @Option(help: "At most this many lines.") var limit = 50
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            if changes {
                work.writer.print(try work.read { try SegmentStore($0).changes(slug, limit: limit) })
            } else {
                work.writer.print(try work.read { try SegmentStore($0).refreshes(slug, limit: limit) })
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a segment's rule (it is then refreshed), description or schedule.",
            discussion: "Example:\n  sanad segment edit lybunt --rule 'lybunt and can email' --schedule '30 2 * * *'")
        @Argument(help: "The segment's slug.") var slug: String
        @Option(help: "The new rule.") var rule: String?
        @Option(help: "The new description.") var description: String?
        @Option(help: "A new refresh schedule (cron).") var schedule: String?
        @Flag(help: "Stop refreshing it on a schedule.") var noSchedule = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "segmentation")
            let summary = try work.change { transaction in
                let store = SegmentStore(transaction)
                try store.edit(slug, rule: rule.map(RuleSource.init), description: description, cron: schedule, removeSchedule: noSchedule)
                return try store.summary(slug)
            }
            work.writer.print(summary)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a segment, its members, history and schedule.", discussion: "Example:\n  sanad segment delete old-winter-list")
        @Argument(help: "The segment's slug.") var slug: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global, plugin: "segmentation")
            try work.change { transaction in try SegmentStore(transaction).delete(slug) }
            Console.say("Segment \(slug) deleted.")
        }
    }

    struct Include: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add contacts to a static segment.",
                                                        discussion: "Example:\n  sanad segment include board-picks 12 40")
        @Argument(help: "The segment's slug.") var slug: String
        @Argument(help: "Contact ids.") var contacts: [Int64]
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global, plugin: "segmentation")
            try work.change { transaction in try SegmentStore(transaction).include(contacts, in: slug) }
            Console.say("Added \(contacts.count) contact(s) to \(slug).")
        }
    }

    struct Exclude: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove contacts from a static segment.", discussion: "Example:\n  sanad segment exclude board-picks 42 57")
        @Argument(help: "The segment's slug.") var slug: String
        @Argument(help: "Contact ids.") var contacts: [Int64]
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global, plugin: "segmentation")
            try work.change { transaction in try SegmentStore(transaction).exclude(contacts, from: slug) }
            Console.say("Removed \(contacts.count) contact(s) from \(slug).")
        }
    }
}

/// Says which gifts a rule's sums left out for want of an exchange rate.
func warnUnconverted(_ left: [UnconvertedGifts], _ association: Association, segment: String? = nil) {
    guard let warning = UnconvertedGifts.warning(left, baseCurrency: association.baseCurrency) else { return }
    Console.note("warning: " + (segment.map { "segment \($0): " } ?? "") + warning)
}

/// The rule language's grammar, as `sanad segment rules` prints it (the same as the plugin's
/// README, which also explains what each condition means).
enum RuleGrammar {
    static let text = """
        Keywords are English and case-insensitive; values may be Arabic or Latin. A value with
        spaces or punctuation goes in double quotes ("حملة الشتاء"); inside quotes, \\" and \\\\ escape.

        rule        = or
        or          = and { "or" and }
        and         = unary { "and" unary }
        unary       = "not" unary | "(" rule ")" | condition

        condition   = field ("is" ["not"] value | ["not"] "in" "(" value { "," value } ")")
                    | "pep" | "has" ("email" | "phone")
                    | "can" channel                              -- may be reached: valid consent, no suppression
                    | "consent" channel "is" ("granted" | "withdrawn" | "refused")
                    | "suppressed" ["as" reason]
                    | ("created" | "born") time
                    | "age" compare
                    | activity
                    | ("never" | "last" | "first") verb { qualifier }
                    | "lybunt" | "sybunt"
                    | "rfm" ["score" | "recency" | "frequency" | "monetary"] compare ["in" currency]
                    | "in" "segment" slug

        field       = "role" | "tag" | "group" | "city" | "region" | "country" | "language" | "source" | "kind"
        channel     = "email" | "sms" | "phone" | "post"
        reason      = unsubscribed | bulk-email-opt-out | do-not-email | bounced | complained | deceased

        activity    = "gave"        [compare [currency] [only] | compare "times"] { qualifier }   -- donations: summed, or counted
                    | "pledged"     [compare [currency] [only] | compare "times"] { qualifier }
        only        = "only" | "only" "in" currency                  -- count gifts in that currency alone
                    | "attended"    [compare ("events" | "times")] { qualifier }           -- event attendance
                    | "volunteered" [compare ("hours" | "times")] { qualifier }            -- volunteer shifts
                    | "acted"       [compare "times"] { qualifier }                        -- campaign actions
                    | "did" type    [compare "times"] { qualifier }                        -- any interaction type
        verb        = "gave" | "pledged" | "attended" | "volunteered" | "acted" | "did" type

        compare     = ("at least" | "at most" | "more than" | "less than" | "exactly" | ">=" | "<=" | ">" | "<" | "=") number
                    | number "+"                                 -- 2+ means at least 2
        qualifier   = time | "campaign" slug | "event" number
        time        = "in" ["the"] "last" number ("days" | "weeks" | "months" | "years")
                    | "since" date | "after" date | "before" date | "between" date "and" date
                    | "this" ("year" | "month") | "last" ("year" | "month")
        date        = YYYY-MM-DD

        Examples:
          role is volunteer and city is طرابلس and attended 1+ events this year
          gave at least 100 USD in the last 365 days and can email
          lybunt or (source is facebook and never acted)
          (role in (member, board) or pep) and not in segment lybunt
        """
}
