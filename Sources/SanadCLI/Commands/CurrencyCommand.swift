internal import ArgumentParser
internal import Foundation
internal import Postgres
internal import SanadCore
internal import SanadCommandKit

/// `sanad currency`: the exchange rates every total converts gifts with.
struct CurrencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "currency",
        abstract: "Exchange rates: what each foreign currency is worth in the association's currency, by day.",
        discussion: """
            Totals (the influence audit, campaign progress, segment rules that sum gifts, RFM) convert every gift \
            into one currency at the latest rate on or before its day. A gift whose currency has no rate for its \
            day is left out, and every command that leaves it out says so.

            Examples:
              sanad currency rate set USD 89500 --on 2026-11-01 --source "market"
              sanad currency rates --from 2026-01-01 --currency USD
              sanad currency import rates.csv
              sanad currency import eurofxref-hist.csv --ecb
            """,
        subcommands: [Rate.self, Rates.self, Import.self]
    )

    struct Rate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set exchange rates by hand.",
            discussion: "Example:\n  sanad currency rate set USD 89500 --on 2026-11-01 --source \"market\"",
            subcommands: [Set.self])

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set what one unit of a currency is worth in the association's currency, from a day on.",
                discussion: "Example:\n  sanad currency rate set USD 89500 --on 2026-11-01 --source \"market\"")
            @Argument(help: "The foreign currency (ISO 4217), such as USD.") var currency: String
            @Argument(help: "How many units of the association's currency one unit of it is worth.") var rate: String
            @Option(help: "The first day the rate holds, YYYY-MM-DD (default: today).") var on: String?
            @Option(help: "Where the rate comes from (market, central bank, ...).") var source: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let work = try CommandContext.work(global)
                let (association, day, code, value) = try work.change { transaction in
                    let association = transaction.association
                    let day = try on.map { try InputValues.day($0, field: "--on") } ?? association.today
                    let value = try ExchangeRateFile.positiveRate(rate)
                    try ExchangeRateStore(transaction).set(currency, rate: value, on: day, source: source)
                    return (association, day, try StandardCodes.currency(currency), value)
                }
                Console.say("1 \(code) = \(value) \(association.baseCurrency) from \(day).")
            }
        }
    }

    struct Rates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List exchange rates by currency and day.",
            discussion: "Examples:\n  sanad currency rates\n  sanad currency rates --from 2026-01-01 --to 2026-06-30 --currency USD --format csv")
        @Option(help: "From this day, YYYY-MM-DD.") var from: String?
        @Option(help: "To this day, YYYY-MM-DD.") var to: String?
        @Option(help: "Only this currency.") var currency: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { transaction in
                let rates = try ExchangeRateStore(transaction).rates(from: try from.map { try InputValues.day($0, field: "--from") },
                                                                     to: try to.map { try InputValues.day($0, field: "--to") },
                                                                     currency: currency)
                return rates.map { rate in
                    ["currency": .text(rate.currency), "valid_on": .date(rate.validOn), "rate": .decimal(rate.rate),
                     "in": .text(transaction.association.baseCurrency), "source": .text(rate.source)]
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import exchange rates from a CSV file (date,currency,rate[,source]) or the ECB's reference-rate file.",
            discussion: """
                A rate is how many units of the association's currency one unit of the currency is worth. With --ecb the \
                file is the European Central Bank's eurofxref.csv or eurofxref-hist.csv (units per euro), turned into \
                rates of the association's currency through the euro. A file with a bad row imports nothing.

                Examples:
                  sanad currency import rates.csv
                  sanad currency import eurofxref-hist.csv --ecb
                """)
        @Argument(help: "The file.") var file: String
        @Flag(help: "The file is the ECB's euro reference rates.") var ecb = false
        @Option(help: "The source recorded for rows that name none (default: the file's name).") var source: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            let (changed, read, base) = try work.change { transaction in
                let base = transaction.association.baseCurrency
                let rates = ecb ? try ExchangeRateFile.readECB(path: file, baseCurrency: base)
                    : try ExchangeRateFile.read(path: file, baseCurrency: base, source: source ?? URL(fileURLWithPath: file).lastPathComponent)
                let changed = try ExchangeRateStore(transaction).set(rates)
                try transaction.audit("currency.import", entity: "exchange_rates",
                                      details: ["file": URL(fileURLWithPath: file).lastPathComponent, "rates": String(rates.count)])
                return (changed, rates.count, base)
            }
            Console.say("Read \(read) rate(s) in \(base); \(changed) new or changed.")
        }
    }
}
