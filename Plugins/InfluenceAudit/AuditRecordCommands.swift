internal import SanadCommandKit
internal import ArgumentParser
internal import Foundation
internal import Postgres
internal import SanadCore

extension AuditCommand {
    struct Decision: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The association's board and program decisions, and trustees' declarations of interest.",
            subcommands: [Add.self, List.self, Declare.self, Delete.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record a decision: its day, subject, who benefits and which trustees declared or recused.",
                discussion: """
                    Examples:
                      sanad audit decision add 2026-03-02 "Grant to the youth centre" --beneficiary 41 --amount 20000 --declared 7
                      sanad audit decision add 2026-04-10 "قرار توريد المعدات" --beneficiary 88 --recused 12
                    """)
            @Argument(help: "When it was decided, YYYY-MM-DD.") var date: String
            @Argument(help: "What was decided.") var subject: String
            @Option(help: "The contact (person or organization) who benefits.") var beneficiary: Int64?
            @Option(help: "The amount at stake, in the association's currency.") var amount: String?
            @Option(help: "A trustee who declared an interest (repeat for more).") var declared: [Int64] = []
            @Option(help: "A trustee who recused themselves (repeat for more).") var recused: [Int64] = []
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global, plugin: "influence-audit")
                let id = try work.change { transaction in
                    let day = try InputValues.day(date, field: "date")
                    let money = try amount.map { try InputValues.amount($0, currency: transaction.association.baseCurrency) }
                    return try AuditStore(transaction).addDecision(on: day, subject: subject, beneficiary: beneficiary, amount: money,
                                                                   declared: declared, recused: recused)
                }
                Console.say("decision \(id) recorded")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List recorded decisions, newest first.", discussion: "Example:\n  sanad audit decision list --format csv")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var format: FormatOptions

            func run() throws {
                let work = try CommandContext.work(global, format, plugin: "influence-audit")
                work.writer.print(try work.change { transaction in try AuditStore(transaction).decisions() })
            }
        }

        struct Declare: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record that a trustee declared an interest in a decision, or recused themselves.",
                discussion: "Example:\n  sanad audit decision declare 3 7 --recused")
            @Argument(help: "The decision's id.") var decision: Int64
            @Argument(help: "The trustee's contact id.") var trustee: Int64
            @Flag(help: "Declared an interest, or recused themselves from the decision.") var stance: Stance

            enum Stance: String, EnumerableFlag { case declared, recused }
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global, plugin: "influence-audit")
                try work.change { transaction in
                    try AuditStore(transaction).recordStance(decision: decision, trustee: trustee, stance: stance.rawValue)
                }
                Console.say("trustee \(trustee) \(stance.rawValue) on decision \(decision)")
            }
        }

        struct Delete: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete a decision recorded by mistake.", discussion: "Example:\n  sanad audit decision delete 3")
            @Argument(help: "The decision's id.") var id: Int64
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global, plugin: "influence-audit")
                try work.change { transaction in try AuditStore(transaction).deleteDecision(id) }
                Console.say("decision \(id) deleted")
            }
        }
    }

    struct Election: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Election periods: gifts from politically exposed or political funders inside one are flagged.",
            subcommands: [Add.self, List.self, Delete.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record an election period, from its announcement to polling day.",
                discussion: "Example:\n  sanad audit election add \"الانتخابات البلدية 2026\" --announced 2026-02-01 --polling 2026-05-10 --region الشمال")
            @Argument(help: "The election's name.") var name: String
            @Option(help: "When it was announced, YYYY-MM-DD.") var announced: String
            @Option(help: "Polling day, YYYY-MM-DD.") var polling: String
            @Option(help: "The region it covers (default: nationwide).") var region: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global, plugin: "influence-audit")
                let id = try work.change { transaction in
                    try AuditStore(transaction).addElection(name: name, announced: try InputValues.day(announced, field: "--announced"),
                                                            polling: try InputValues.day(polling, field: "--polling"), region: region)
                }
                Console.say("election period \(id) recorded")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List recorded election periods.", discussion: "Example:\n  sanad audit election list")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var format: FormatOptions

            func run() throws {
                let work = try CommandContext.work(global, format, plugin: "influence-audit")
                work.writer.print(try work.change { transaction in try AuditStore(transaction).elections() })
            }
        }

        struct Delete: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete an election period recorded by mistake.", discussion: "Example:\n  sanad audit election delete 2")
            @Argument(help: "The election period's id.") var id: Int64
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global, plugin: "influence-audit")
                try work.change { transaction in try AuditStore(transaction).deleteElection(id) }
                Console.say("election period \(id) deleted")
            }
        }
    }

    struct Lexicon: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The phrases that classify gift conditions and funders' notes; add your own.",
            discussion: """
                Categories: \(ConditionLexicon.categories.joined(separator: ", ")).
                Examples:
                  sanad audit lexicon list --format csv
                  sanad audit lexicon add governance "seat on the steering committee"
                  sanad audit lexicon add political "القائمة الانتخابية"
                """,
            subcommands: [List.self, Add.self, Remove.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List built-in and added phrases.", discussion: "Example:\n  sanad audit lexicon list --category political")
            @Option(help: "Only this category.") var category: String?
            @OptionGroup var global: GlobalOptions
            @OptionGroup var format: FormatOptions

            func run() throws {
                let work = try CommandContext.work(global, format, plugin: "influence-audit")
                let phrases = try work.change { transaction in try AuditStore(transaction).lexicon() }
                work.writer.print(phrases.filter { category == nil || $0.category == category })
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a phrase to a category for this association.", discussion: "Example:\n  sanad audit lexicon add governance \"seat on the steering committee\"")
            @Argument(help: "The category.") var category: String
            @Argument(help: "The phrase, as it would be written.") var phrase: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global, plugin: "influence-audit")
                try work.change { transaction in try AuditStore(transaction).addPhrase(category: category, phrase: phrase) }
                Console.say("added to \(category); the next run uses it")
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a phrase this association added.", discussion: "Example:\n  sanad audit lexicon remove governance \"seat on the steering committee\"")
            @Argument(help: "The category.") var category: String
            @Argument(help: "The phrase.") var phrase: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global, plugin: "influence-audit")
                try work.change { transaction in try AuditStore(transaction).removePhrase(category: category, phrase: phrase) }
                Console.say("removed from \(category)")
            }
        }
    }
}
