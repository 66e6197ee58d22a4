public import SanadCore

extension Remedy {
    /// The command that carries out the remedy.
    public var command: String {
        switch self {
        case .listEvents: "sanad event list"
        case .showConsent(let contact): "sanad consent show \(contact)"
        case .listGroups: "sanad group list"
        case .createGroup(let name): "sanad group create \(CommandHints.argument(name))"
        case .showCampaign(let slug): "sanad campaign show \(slug)"
        case .addCampaign: "sanad campaign add SLUG --title TITLE --start YYYY-MM-DD --end YYYY-MM-DD"
        case .showContact(let id): "sanad contact show \(id)"
        case .searchContacts(let text): "sanad contact search \(text.map(CommandHints.argument) ?? "NAME")"
        case .restoreContact(let id): "sanad contact delete \(id) --restore"
        case .migrateDatabase: "sanad db migrate"
        case .setExchangeRate(let currency, let day):
            "sanad currency rate set \(currency ?? "USD") RATE" + (day.map { " --on \($0)" } ?? "")
        case .importExchangeRates: "sanad currency import rates.csv"
        case .listJobs: "sanad jobs list"
        case .showJob(let id): "sanad jobs show \(id)"
        case .listSchedules: "sanad schedule list"
        case .dismissDuplicatePair: "sanad contact duplicates --dismiss A B"
        case .showAssociation(let slug): "sanad association show \(slug)"
        case .addAssociation: "sanad association add SLUG --name NAME --country LB"
        case .enablePlugin(let id, let association): "sanad plugin enable \(id) -a \(association)"
        case .addUser: "sanad user add NAME -a SLUG --role staff"
        case .grantRole(let user, let association): "sanad user grant \(CommandHints.argument(user)) -a \(association ?? "SLUG") --role staff"
        case .plugin(let id, let action, let subject):
            (CommandContext.installedPlugins.plugin(id: id) as? any CommandPlugin)?.command(for: action, subject: subject.map(CommandHints.argument))
                ?? "sanad \(id) --help"
        }
    }
}

extension SanadError {
    /// The hint as the command line gives it: the domain's advice, then the command that
    /// carries it out.
    public var commandLineHint: String? {
        switch (hint, remedy) {
        case (let hint?, let remedy?): "\(hint) with: \(remedy.command)"
        case (let hint?, nil): hint
        case (nil, let remedy?): "run: \(remedy.command)"
        case (nil, nil): nil
        }
    }
}

public enum CommandHints {
    /// A value as one shell word, safe to paste: single-quoted (where `$` and backquotes
    /// mean nothing) when it holds anything but letters, digits and `-_.`.
    public static func argument(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
        guard !plain else { return value }
        var quoted = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar == "'" { quoted.append(contentsOf: "'\\''".unicodeScalars) } else { quoted.append(scalar) }
        }
        return "'" + String(quoted) + "'"
    }
}

extension UnconvertedGifts {
    /// One sentence for people: `left out … 3 gifts in EUR (1250 EUR) …; set the EUR rate
    /// with: sanad currency rate set EUR RATE --on YYYY-MM-DD`.
    public static func warning(_ left: [UnconvertedGifts], baseCurrency: String) -> String? {
        guard let first = left.first else { return nil }
        let parts = left.map { "\($0.gifts) gift\($0.gifts == 1 ? "" : "s") in \($0.currency) (\($0.amount) \($0.currency))" }
        let codes = left.map(\.currency).joined(separator: ", ")
        return "left out of the totals for want of an exchange rate: " + parts.joined(separator: ", ")
            + "; set the \(codes) rate\(left.count == 1 ? "" : "s") with: \(Remedy.setExchangeRate(currency: first.currency, day: nil).command) --on YYYY-MM-DD"
            + " (RATE: how many \(baseCurrency) one \(first.currency) is worth)"
    }
}
