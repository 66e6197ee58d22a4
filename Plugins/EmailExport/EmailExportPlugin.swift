public import SanadCore

/// Produces the list a mailing service imports: exactly the people the association may email.
public struct EmailExportPlugin: SanadPlugin {
    public let id = "email-export"
    public let summary = "Consent-checked email lists for Mailchimp, listmonk and Brevo"

    public init() {}
}
