public import ArgumentParser
internal import SanadCore
internal import SanadCommandKit

/// `sanad`: the root command.
public struct SanadCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sanad",
        abstract: "Sanad — a supporter relationship manager for civil-society associations.",
        discussion: """
            Keeps every supporter, funder and volunteer of many associations, and everything \
            that happens between them, in PostgreSQL. With no database configured, Sanad runs \
            its own local PostgreSQL; set SANAD_DATABASE_URL (or the PG* variables) to use another.

            Examples:
              sanad association add tripoli-relief --name "Tripoli Relief" --country LB --currency LBP --time-zone Asia/Beirut --language ar
              sanad -a tripoli-relief association show
            """,
        version: SanadVersion.current,
        subcommands: coreCommands + installedPlugins.flatMap(\.commands)
    )

    static let coreCommands: [any ParsableCommand.Type] = [
        DemoCommand.self,
        CompletionsCommand.self,
        DatabaseCommand.self,
        AssociationCommand.self,
        UserCommand.self,
        WhoamiCommand.self,
        ContactCommand.self,
        InteractionCommand.self,
        ConsentCommand.self,
        CampaignCommand.self,
        EventCommand.self,
        CalendarCommand.self,
        GroupCommand.self,
        CurrencyCommand.self,
        GenerateCommand.self,
        PluginCommand.self,
        ScheduleCommand.self,
        JobsCommand.self,
        WorkerCommand.self,
    ]

    public init() {}
}

public enum SanadVersion {
    public static let current = "0.1.0"
}
