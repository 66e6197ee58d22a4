public import Foundation
public import Postgres

/// Rates read from files: a plain CSV of `date,currency,rate[,source]`, or the European
/// Central Bank's euro reference rates (`eurofxref.csv`, `eurofxref-hist.csv`).
///
/// Every bad row is reported with its line and the file is refused whole, so an import
/// never leaves half a table of rates behind.
public enum ExchangeRateFile {
    /// Reads a rates CSV. The header names the columns (`date`, `currency`, `rate`,
    /// optionally `source`, in any order; Arabic names too); a rate is how many
    /// `baseCurrency` one unit of the currency is worth.
    public static func read(path: String, baseCurrency: String, source defaultSource: String) throws -> [ExchangeRate] {
        let reader = try CSVReader(path: path)
        guard let header = try reader.next() else {
            throw SanadError.invalid("\(path) is empty", hint: "the first line names the columns: date,currency,rate")
        }
        let names = header.fields.map { $0.trimmed.lowercased() }
        func column(_ choices: [String]) -> Int? { names.firstIndex { choices.contains($0) } }
        guard let dateColumn = column(["date", "day", "valid_on", "on", "التاريخ"]),
              let currencyColumn = column(["currency", "code", "العملة"]),
              let rateColumn = column(["rate", "value", "السعر", "سعر الصرف"]) else {
            throw SanadError.invalid("\(path) line 1 does not name the columns date, currency and rate",
                                     hint: "start the file with the line: date,currency,rate")
        }
        let sourceColumn = column(["source", "المصدر"])
        return try eachRecord(of: reader, path: path) { record in
            if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { return [] }
            func field(_ index: Int) -> String { index < record.fields.count ? record.fields[index].trimmed : "" }
            let day = try InputValues.day(field(dateColumn), field: "date")
            let currency = try StandardCodes.currency(field(currencyColumn))
            guard currency != baseCurrency else {
                throw SanadError.invalid("\(currency) is the association's own currency", hint: "leave its rows out")
            }
            let rate = try positiveRate(field(rateColumn))
            let source = sourceColumn.map(field).flatMap { $0.isEmpty ? nil : $0 } ?? defaultSource
            return [ExchangeRate(currency: currency, validOn: day, rate: rate,
                                 source: try TextRules.cleanedName(source, field: "source", maxLength: 200))]
        }
    }

    /// Reads the ECB's reference rates: a `Date` column and one column per currency, each
    /// value the units of that currency one euro buys. Turned into rates of the association's
    /// base currency: with a EUR base, 1 / value; otherwise cross rates through the euro,
    /// which the base currency must therefore be one of.
    public static func readECB(path: String, baseCurrency: String) throws -> [ExchangeRate] {
        let reader = try CSVReader(path: path, separator: ",")
        guard let header = try reader.next() else { throw SanadError.invalid("\(path) is empty", hint: "download eurofxref-hist.csv from the ECB") }
        let names = header.fields.map { $0.trimmed.uppercased() }
        guard names.first == "DATE" else {
            throw SanadError.invalid("\(path) line 1 does not start with Date: it is not the ECB's reference-rate file",
                                     hint: "use eurofxref.csv or eurofxref-hist.csv as the ECB publishes them, or a date,currency,rate file without --ecb")
        }
        let baseColumn = names.firstIndex(of: baseCurrency)
        guard baseCurrency == "EUR" || baseColumn != nil else {
            throw SanadError.invalid("the ECB publishes no \(baseCurrency) rate, so its file cannot give rates in \(baseCurrency)",
                                     hint: "import your own rates instead (a CSV file of date,currency,rate)", remedy: .importExchangeRates)
        }
        return try eachRecord(of: reader, path: path) { record in
            let fields = record.fields.map(\.trimmed)
            guard let first = fields.first, !first.isEmpty else { return [] }
            guard let day = CalendarDate(iso: first) ?? ecbDay(first) else {
                throw SanadError.invalid("\"\(first)\" is not a date", hint: "the first column holds the day")
            }
            func value(_ index: Int) -> Decimal? {
                guard index < fields.count, InputValues.isDecimalLiteral(fields[index]) else { return nil }
                return Decimal(string: fields[index], locale: Locale(identifier: "en_US_POSIX")).flatMap { $0 > 0 ? $0 : nil }
            }
            // Euros in the base currency; a day without a base rate (N/A) gives nothing.
            guard let euro: Decimal = baseCurrency == "EUR" ? 1 : value(baseColumn!) else { return [] }
            var rates: [ExchangeRate] = []
            if baseCurrency != "EUR" {
                rates.append(ExchangeRate(currency: "EUR", validOn: day, rate: rounded(euro), source: "ECB reference rate"))
            }
            for (index, code) in names.enumerated().dropFirst() where code.count == 3 && code != baseCurrency {
                guard let perEuro = value(index) else { continue }
                rates.append(ExchangeRate(currency: code, validOn: day, rate: rounded(euro / perEuro), source: "ECB reference rate"))
            }
            return rates
        }
    }

    /// The rates of every record after the header. A record that cannot be read, or whose
    /// row `body` refuses, is a problem named by its line; any problem refuses the file whole.
    static func eachRecord(of reader: CSVReader, path: String, _ body: (CSVRecord) throws -> [ExchangeRate]) throws -> [ExchangeRate] {
        var rates: [ExchangeRate] = []
        var problems: [String] = []
        while let record = try reader.next() {
            if let problem = record.problem {
                problems.append("line \(record.line): \(problem)")
                continue
            }
            do {
                rates += try body(record)
            } catch let error as SanadError {
                problems.append("line \(record.line): \(error.message)")
            }
        }
        try refuseIfAny(problems, path: path)
        return rates
    }

    /// `28 November 2026`, as the ECB's daily file writes its one date.
    static func ecbDay(_ text: String) -> CalendarDate? {
        let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                      "november", "december"]
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 3, let day = Int(parts[0]), let month = months.firstIndex(of: parts[1].lowercased()),
              let year = Int(parts[2]) else { return nil }
        return CalendarDate(year: year, month: month + 1, day: day)
    }

    /// A positive decimal, Arabic-Indic digits and the Arabic decimal separator allowed.
    public static func positiveRate(_ text: String) throws -> Decimal {
        let ascii = InputValues.asciiDigits(text).replacingScalar("\u{066B}", with: ".")
        guard InputValues.isDecimalLiteral(ascii), let rate = Decimal(string: ascii, locale: Locale(identifier: "en_US_POSIX")), rate > 0 else {
            throw SanadError.invalid("rate \"\(text)\" is not a positive number",
                                     hint: "write digits with a dot for decimals and no thousands separator, such as 89500 or 0.92")
        }
        return rate
    }

    /// Ten decimal places: cross rates divide, and a division has no end.
    static func rounded(_ value: Decimal) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, 10, .plain)
        return result
    }

    static func refuseIfAny(_ problems: [String], path: String) throws {
        guard !problems.isEmpty else { return }
        let shown = problems.prefix(10).joined(separator: "; ") + (problems.count > 10 ? "; and \(problems.count - 10) more" : "")
        throw SanadError.invalid("\(path) has \(problems.count) bad row\(problems.count == 1 ? "" : "s"), so no rate was imported: \(shown)",
                                 hint: "fix the rows named and import the file again")
    }
}
