internal import Foundation
internal import Postgres
internal import SanadCore

/// Turns a ``Rule`` into one SQL condition on the contact `c`, every value a bound
/// parameter. Activity conditions become semi-joins (or anti-joins, when a contact with no
/// activity at all matches, as in `never gave`) over one grouped scan of the interactions,
/// so a refresh is set-based whatever the number of contacts.
struct RuleCompiler {
    let transaction: AssociationTransaction
    /// Segment slug → id, for `in segment` (checked to exist).
    let segmentID: (String) throws -> Int64

    var association: Association { transaction.association }
    var zone: String { association.timeZone }
    /// Today in the association's time zone.
    var today: SQL { "(now() AT TIME ZONE \(zone))::date" }

    func predicate(_ rule: Rule) throws -> SQL {
        switch rule {
        case .all(let rules): "(" + SQL.joined(try rules.map(predicate), separator: " AND ") + ")"
        case .any(let rules): "(" + SQL.joined(try rules.map(predicate), separator: " OR ") + ")"
        case .not(let rule): "NOT \(try predicate(rule))"
        case .condition(let condition): "coalesce(\(try compile(condition)), false)"
        }
    }

    private func compile(_ condition: RuleCondition) throws -> SQL {
        let values = condition.values ?? []
        switch condition.subject {
        case "role":
            return try field(condition, """
                EXISTS (SELECT 1 FROM contact_roles r WHERE r.contact_id = c.id AND r.role = ANY(\(values))
                        AND (r.until IS NULL OR r.until >= \(today)))
                """)
        case "tag":
            return try field(condition, """
                EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
                        WHERE ct.contact_id = c.id AND t.name_key = ANY(\(values.map(NameKeys.normalized))))
                """)
        case "group":
            return try field(condition, """
                EXISTS (SELECT 1 FROM group_members m JOIN contact_groups g ON g.id = m.group_id
                        WHERE m.contact_id = c.id AND g.name_key = ANY(\(values.map(NameKeys.normalized))))
                """)
        case "city":
            // Across scripts and spellings: طرابلس, Tripoli and Trablous are one city in Lebanon.
            return try field(condition, "c.city_key = ANY(\(values.map { CityNames.key($0, country: association.country) }))")
        case "region": return try field(condition, "lower(c.region) = ANY(\(values.map { $0.lowercased() }))")
        case "country": return try field(condition, "c.country = ANY(\(values))")
        case "language": return try field(condition, "c.preferred_language = ANY(\(values))")
        case "source": return try field(condition, "c.source_channel = ANY(\(values))")
        case "kind": return try field(condition, "c.kind = ANY(\(values))")
        case "pep": return "c.is_pep"
        case "has_email": return "EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id)"
        case "has_phone": return "EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id)"
        case let subject where subject.hasPrefix("can_"):
            return ContactEligibility.mayBeReached("c.id", on: try ConsentChannel.parse(String(subject.dropFirst(4))))
        case "consent":
            return """
                EXISTS (SELECT 1 FROM current_consents cc WHERE cc.contact_id = c.id AND cc.channel = \(condition.part ?? "")
                        AND cc.status = \(values.first ?? ""))
                """
        case "suppressed":
            return """
                EXISTS (SELECT 1 FROM contact_suppressions s WHERE s.contact_id = c.id AND s.lifted_at IS NULL
                        AND (\(values.first)::text IS NULL OR s.reason = \(values.first)))
                """
        case "created":
            return try window(condition.window, on: "c.created_at")
        case "born":
            return try window(condition.window, on: "(c.birth_date::timestamp AT TIME ZONE \(zone))")
        case "age":
            return """
                (c.birth_date IS NOT NULL AND extract(year FROM age(\(today), c.birth_date)) \(unsafeSQL: symbol(condition.comparison)) \(condition.number ?? 0))
                """
        case "segment":
            let id = try segmentID(condition.segment ?? "")
            return "c.id IN (SELECT sm.contact_id FROM segment_members sm WHERE sm.segment_id = \(id))"
        case "lybunt":
            return """
                (c.id IN (SELECT contact_id FROM interactions WHERE type = 'donation' AND occurred_at >= \(yearStart(-1)) AND occurred_at < \(yearStart(0)))
                 AND NOT EXISTS (SELECT 1 FROM interactions x WHERE x.contact_id = c.id AND x.type = 'donation' AND x.occurred_at >= \(yearStart(0))))
                """
        case "sybunt":
            return """
                (c.id IN (SELECT contact_id FROM interactions WHERE type = 'donation' AND occurred_at < \(yearStart(-1)))
                 AND NOT EXISTS (SELECT 1 FROM interactions x WHERE x.contact_id = c.id AND x.type = 'donation' AND x.occurred_at >= \(yearStart(-1))))
                """
        case "rfm":
            return try rfm(condition)
        default:
            return try activity(condition)
        }
    }

    /// `is`, `is not`, `in`, `not in` around a membership test.
    private func field(_ condition: RuleCondition, _ test: SQL) throws -> SQL {
        switch condition.measure {
        case "is", "in": return test
        case "is_not", "not_in": return "NOT coalesce(\(test), false)"
        default: throw SanadError.invalid("the rule's \(condition.subject) test is missing 'is' or 'in'", hint: "such as: city is Tripoli")
        }
    }

    private func symbol(_ comparison: Comparison?) -> String {
        switch comparison ?? .atLeast {
        case .atLeast: ">="
        case .atMost: "<="
        case .moreThan: ">"
        case .lessThan: "<"
        case .exactly: "="
        }
    }

    /// Midnight on 1 January of this year (offset 0), last year (-1), ... in the association's zone.
    private func yearStart(_ offset: Int) -> SQL {
        "((date_trunc('year', now() AT TIME ZONE \(zone)) + \(String(offset) + " years")::interval) AT TIME ZONE \(zone))"
    }

    private func monthStart(_ offset: Int) -> SQL {
        "((date_trunc('month', now() AT TIME ZONE \(zone)) + \(String(offset) + " months")::interval) AT TIME ZONE \(zone))"
    }

    /// Midnight at the start of `day` in the association's zone.
    private func dayStart(_ day: CalendarDateText, plusDays: Int = 0) throws -> SQL {
        guard let date = CalendarDate(iso: day.text)?.adding(days: plusDays) else {
            throw SanadError.invalid("\(day.text) is not a date", hint: "write dates as YYYY-MM-DD")
        }
        return "((\(date)::date)::timestamp AT TIME ZONE \(zone))"
    }

    /// The window as a condition on a timestamp expression.
    private func window(_ window: TimeWindow?, on column: SQL) throws -> SQL {
        guard let window else { return "true" }
        switch window {
        case .last(let count, let unit):
            return "\(column) >= now() - \(String(count) + " " + unit)::interval"
        case .since(let day): return "\(column) >= \(try dayStart(day))"
        case .before(let day): return "\(column) < \(try dayStart(day))"
        case .between(let first, let last):
            return "(\(column) >= \(try dayStart(first)) AND \(column) < \(try dayStart(last, plusDays: 1)))"
        case .thisYear: return "\(column) >= \(yearStart(0))"
        case .lastYear: return "(\(column) >= \(yearStart(-1)) AND \(column) < \(yearStart(0)))"
        case .thisMonth: return "\(column) >= \(monthStart(0))"
        case .lastMonth: return "(\(column) >= \(monthStart(-1)) AND \(column) < \(monthStart(0)))"
        }
    }

    /// The interactions an activity condition looks at: its type, campaign and event, and for
    /// a sum in one currency only, that currency.
    private func activityFilters(_ condition: RuleCondition) throws -> [SQL] {
        let type = try InteractionType.parse(condition.subject)
        var filters: [SQL] = ["i.type = \(type.rawValue)"]
        if let campaign = condition.campaign {
            let campaignID = try CampaignStore(transaction).id(of: campaign)
            filters.append("i.campaign_id = \(campaignID)")
        }
        if let event = condition.event { filters.append("i.event_id = \(event)") }
        if condition.measure == "sum", condition.onlyInCurrency == true {
            filters.append("i.currency = \(condition.currency ?? association.baseCurrency)")
        }
        return filters
    }

    /// A gift's amount in the currency a sum compares in: converted at the rate of its day,
    /// unless the rule counts one currency only.
    private func summedAmount(_ condition: RuleCondition) -> SQL {
        guard condition.onlyInCurrency != true else { return "i.amount" }
        return MoneySQL.inCurrency(condition.currency ?? association.baseCurrency, amount: "i.amount", currency: "i.currency",
                                   at: "i.occurred_at", association: association)
    }

    /// Where the rule sums or ranks money: the currency and the interactions (`interactions i
    /// WHERE ...`) whose gifts must convert, so a refresh can say which ones could not.
    func moneySources(_ rule: Rule) throws -> [(currency: String, source: SQL)] {
        switch rule {
        case .all(let rules), .any(let rules): return try rules.flatMap(moneySources)
        case .not(let rule): return try moneySources(rule)
        case .condition(let condition):
            let target = condition.currency ?? association.baseCurrency
            if condition.subject == "rfm" { return [(target, "interactions i WHERE i.type = 'donation'")] }
            guard condition.measure == "sum", condition.onlyInCurrency != true else { return [] }
            let filters = try activityFilters(condition) + [try window(condition.window, on: "i.occurred_at")]
            return [(target, "interactions i WHERE \(SQL.joined(filters, separator: " AND "))")]
        }
    }

    /// gave / pledged / attended / volunteered / acted / did TYPE, counted, summed or dated.
    private func activity(_ condition: RuleCondition) throws -> SQL {
        var filters = try activityFilters(condition)
        let measure = condition.measure ?? "count"
        if measure == "last" || measure == "first" {
            // The time applies to the latest (or earliest) one, not to the rows counted.
            let aggregate: SQL = measure == "last" ? "max(i.occurred_at)" : "min(i.occurred_at)"
            return """
                c.id IN (SELECT i.contact_id FROM interactions i WHERE \(SQL.joined(filters, separator: " AND "))
                         GROUP BY i.contact_id HAVING \(try window(condition.window, on: aggregate)))
                """
        }
        filters.append(try window(condition.window, on: "i.occurred_at"))
        let aggregate: SQL = switch measure {
        case "sum": "coalesce(sum(\(summedAmount(condition))), 0)"
        case "hours": "coalesce(sum(i.hours), 0)"
        default: "count(*)"
        }
        let comparison = condition.comparison ?? .atLeast
        let target = condition.number ?? 1
        let grouped: SQL = "SELECT i.contact_id FROM interactions i WHERE \(SQL.joined(filters, separator: " AND ")) GROUP BY i.contact_id"
        // A contact without any such activity has a total of 0: when 0 passes the test, the
        // rule keeps everyone except those whose total fails it.
        if comparison.holds(0, target) {
            return "NOT EXISTS (SELECT 1 FROM (\(grouped) HAVING NOT (\(aggregate) \(unsafeSQL: symbol(comparison)) \(target))) failing WHERE failing.contact_id = c.id)"
        }
        return "c.id IN (\(grouped) HAVING \(aggregate) \(unsafeSQL: symbol(comparison)) \(target))"
    }

    /// Recency, frequency and monetary quintiles (5 is best) among donors, and their sum as
    /// the score (3–15). Monetary value is every donation converted into the rule's currency
    /// (the association's by default) at the rate of its day; a gift without a rate counts 0.
    private func rfm(_ condition: RuleCondition) throws -> SQL {
        let part: SQL = switch condition.part ?? "score" {
        case "recency": "recency"
        case "frequency": "frequency"
        case "monetary": "monetary"
        default: "recency + frequency + monetary"
        }
        return """
            c.id IN (SELECT contact_id FROM (
                        SELECT contact_id,
                               ntile(5) OVER (ORDER BY max(occurred_at)) AS recency,
                               ntile(5) OVER (ORDER BY count(*)) AS frequency,
                               ntile(5) OVER (ORDER BY coalesce(sum(\(MoneySQL.inCurrency(condition.currency ?? association.baseCurrency,
                                   amount: "i.amount", currency: "i.currency", at: "i.occurred_at", association: association))), 0)) AS monetary
                        FROM interactions i WHERE i.type = 'donation'
                        GROUP BY contact_id) quintiles
                     WHERE \(part) \(unsafeSQL: symbol(condition.comparison)) \(condition.number ?? 0))
            """
    }
}
