public import Postgres

/// Who may be reached on which channel: defined once, so a segment rule (`can email`) and
/// an export mean exactly the same thing.
public enum ContactEligibility {
    /// Suppression states that forbid email whatever any consent says.
    public static let emailSuppressions: [SuppressionReason] = [.unsubscribed, .bulkEmailOptOut, .doNotEmail, .bounced, .complained, .deceased]

    /// A condition on the contact aliased `contact` (a column expression for its id): live,
    /// holding a valid consent (granted, not expired) for `channel`, and under none of the
    /// suppression states that forbid it (deceased forbids every channel).
    public static func mayBeReached(_ contact: SQL, on channel: ConsentChannel) -> SQL {
        let suppressions = channel == .email ? emailSuppressions.map(\.rawValue) : [SuppressionReason.deceased.rawValue]
        let reachable: SQL = switch channel {
        case .email: "EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = \(contact))"
        case .sms, .phone: "EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = \(contact) AND p.e164 IS NOT NULL)"
        case .post: "EXISTS (SELECT 1 FROM contacts a WHERE a.id = \(contact) AND a.city IS NOT NULL)"
        }
        return """
            (\(reachable)
             AND EXISTS (SELECT 1 FROM current_consents cc WHERE cc.contact_id = \(contact) AND cc.channel = \(channel.rawValue) AND cc.is_valid)
             AND NOT EXISTS (SELECT 1 FROM contact_suppressions s WHERE s.contact_id = \(contact) AND s.lifted_at IS NULL
                             AND s.reason = ANY(\(suppressions))))
            """
    }

    /// Contacts that are neither deleted, erased nor merged away (alias `c`).
    public static let live: SQL = "c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL"
}
