public import SanadCommandKit
public import ArgumentParser
public import SanadCore

/// Produces the list a mailing service imports: exactly the people the association may email.
public struct EmailExportPlugin: CommandPlugin {
    public let id = "email-export"
    /// The files of `Plugins/EmailExport/Schema/`, in order.
    public var migrations: [Migration] {
        [Migration(owner: id, name: "0001_email_exports.sql", embedded: PackageResources._001_email_exports_sql)]
    }
    public let summary = "Consent-checked email lists for Mailchimp, listmonk and Brevo"

    public init() {}

    public var configurationKeys: [ConfigurationKey] {
        [ConfigurationKey("default_format", .choice(ExportFormat.allCases.map(\.rawValue)), default: .text("mailchimp"),
                          help: "The format `sanad export emails` writes when --format is not given.")]
    }

    public var commands: [any ParsableCommand.Type] { [ExportCommand.self] }
}
