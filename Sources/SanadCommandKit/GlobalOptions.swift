public import SanadCore
public import ArgumentParser
internal import Foundation

/// Options every command takes: which association to work in.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: [.customShort("a"), .long],
            help: ArgumentHelp("The association to work in, by slug (default: $SANAD_ASSOCIATION, or the only one).",
                               valueName: "slug"))
    public var association: String?

    public init() {}

    /// The slug from the option, else from `-a` before the subcommand, else from
    /// `SANAD_ASSOCIATION`.
    public var associationSlug: String? {
        if let association, !association.isEmpty { return association }
        if let hoisted = CommandContext.hoistedAssociation, !hoisted.isEmpty { return hoisted }
        let fromEnvironment = CommandIO.current.environment["SANAD_ASSOCIATION"]
        return fromEnvironment?.isEmpty == false ? fromEnvironment : nil
    }
}

/// The `--format` option of every command that prints records.
public struct FormatOptions: ParsableArguments, Sendable {
    @Option(help: "Output format: table (for people), json or csv (for programs).")
    public var format: OutputFormat = .table

    @Flag(help: "With --format csv: cells exactly as stored, even those a spreadsheet would run as a formula (for programs).")
    public var raw = false

    @Option(help: ArgumentHelp("Only these columns of a listing, in this order (comma-separated, such as id,name,city).",
                               valueName: "names"))
    public var columns: String?

    /// The columns asked for with `--columns`, or nil for all.
    public var chosenColumns: [String]? {
        guard let columns, !columns.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public init() {}
}
