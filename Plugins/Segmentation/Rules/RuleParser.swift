internal import Foundation
internal import Postgres
internal import SanadCore

/// Parses the rule language into a ``Rule``, checking every value's type on the way, and
/// reports problems with their line and column and what was expected. The grammar is in
/// `Plugins/Segmentation/README.md`.
public struct RuleParser {
    let source: String
    private var tokens: [RuleToken] = []
    private var position = 0

    /// Fields compared with `is`/`in`, and how their values are read.
    static let fields = ["role", "tag", "group", "city", "region", "country", "language", "source", "kind"]
    static let flags = ["pep", "lybunt", "sybunt"]
    static let activityVerbs: [String: String] = [
        "gave": "donation", "pledged": "pledge", "attended": "event_attendance", "volunteered": "volunteer_shift",
        "acted": "campaign_action",
    ]

    public init(_ source: String) {
        self.source = source
    }

    /// The rule as a tree.
    ///
    /// - Throws: ``RuleError`` pointing at the first problem.
    public static func parse(_ source: String) throws(RuleError) -> Rule {
        var parser = RuleParser(source)
        return try parser.parse()
    }

    mutating func parse() throws(RuleError) -> Rule {
        tokens = try RuleLexer(source: source).tokens()
        guard tokens.count > 1 else { throw error(at: tokens[0], "the rule is empty; write a condition such as: role is volunteer") }
        let rule = try parseOr()
        guard current.kind == .end else {
            if current.kind == .closeParenthesis { throw error("this ')' has no matching '('") }
            throw error("expected 'and', 'or' or the end of the rule, found \(current.shown)")
        }
        return rule
    }

    // MARK: Tokens

    private var current: RuleToken { tokens[position] }

    private func peek(_ offset: Int = 1) -> RuleToken {
        tokens[min(position + offset, tokens.count - 1)]
    }

    @discardableResult
    private mutating func take() -> RuleToken {
        defer { if position < tokens.count - 1 { position += 1 } }
        return current
    }

    private mutating func accept(_ keyword: String) -> Bool {
        guard current.keyword == keyword else { return false }
        take()
        return true
    }

    private mutating func expect(_ keyword: String, _ context: String) throws(RuleError) {
        guard accept(keyword) else { throw error("expected '\(keyword)' \(context), found \(current.shown)") }
    }

    private func error(_ message: String) -> RuleError {
        error(at: current, message)
    }

    private func error(at token: RuleToken, _ message: String) -> RuleError {
        RuleError(source: source, line: token.line, column: token.column, message: message)
    }

    // MARK: Boolean structure

    private mutating func parseOr() throws(RuleError) -> Rule {
        var rules = [try parseAnd()]
        while accept("or") { rules.append(try parseAnd()) }
        return rules.count == 1 ? rules[0] : .any(rules)
    }

    private mutating func parseAnd() throws(RuleError) -> Rule {
        var rules = [try parseUnary()]
        while accept("and") { rules.append(try parseUnary()) }
        return rules.count == 1 ? rules[0] : .all(rules)
    }

    private mutating func parseUnary() throws(RuleError) -> Rule {
        if accept("not") { return .not(try parseUnary()) }
        if current.kind == .openParenthesis {
            let open = take()
            let rule = try parseOr()
            guard current.kind == .closeParenthesis else {
                throw error("expected ')' to close the '(' at column \(open.column), found \(current.shown)")
            }
            take()
            return rule
        }
        return .condition(try parseCondition())
    }

    // MARK: Conditions

    private mutating func parseCondition() throws(RuleError) -> RuleCondition {
        let start = current
        let word = start.keyword
        if Self.fields.contains(word) { return try parseField() }
        switch word {
        case "pep", "lybunt", "sybunt":
            take()
            return RuleCondition(subject: word)
        case "has":
            take()
            guard ["email", "phone"].contains(current.keyword) else { throw error("expected 'email' or 'phone' after 'has', found \(current.shown)") }
            return RuleCondition(subject: "has_" + take().keyword)
        case "can":
            take()
            let channel = try vocabulary(ConsentChannel.self, "a channel (email, sms, phone or post)")
            return RuleCondition(subject: "can_" + channel)
        case "consent":
            take()
            var condition = RuleCondition(subject: "consent")
            condition.part = try vocabulary(ConsentChannel.self, "a channel (email, sms, phone or post)")
            try expect("is", "after the consent channel")
            condition.values = [try vocabulary(ConsentStatus.self, "granted, withdrawn or refused")]
            return condition
        case "suppressed":
            take()
            var condition = RuleCondition(subject: "suppressed")
            if accept("as") { condition.values = [try vocabulary(SuppressionReason.self, "a suppression reason")] }
            return condition
        case "created", "born":
            take()
            var condition = RuleCondition(subject: word)
            guard let window = try parseWindow() else {
                throw error("expected a time after '\(word)', such as 'since 2026-01-01' or 'in the last 30 days', found \(current.shown)")
            }
            condition.window = window
            return condition
        case "age":
            take()
            var condition = RuleCondition(subject: "age")
            (condition.comparison, condition.number) = try parseComparison(after: "age")
            return condition
        case "rfm":
            take()
            var condition = RuleCondition(subject: "rfm")
            condition.part = ["score", "recency", "frequency", "monetary"].contains(current.keyword) ? take().keyword : "score"
            (condition.comparison, condition.number) = try parseComparison(after: "rfm \(condition.part!)")
            if accept("in") { condition.currency = try currency() }
            return condition
        case "in":
            take()
            try expect("segment", "after 'in' (to test membership: in segment SLUG)")
            var condition = RuleCondition(subject: "segment")
            condition.segment = try value("a segment's slug").lowercased()
            return condition
        case "never":
            take()
            var condition = try parseActivity(allowMeasure: false)
            condition.measure = "count"
            condition.comparison = .exactly
            condition.number = 0
            return condition
        case "last", "first":
            take()
            var condition = try parseActivity(allowMeasure: false)
            condition.measure = word
            guard condition.window != nil else {
                throw error(at: start, "expected when, such as 'last gave before 2026-01-01' or 'first gave in the last 30 days'")
            }
            return condition
        default:
            if Self.activityVerbs[word] != nil || word == "did" { return try parseActivity(allowMeasure: true) }
            if current.kind == .end { throw error("expected a condition, found the end of the rule") }
            let known = Self.fields + ["pep", "has", "can", "consent", "suppressed", "created", "born", "age", "gave", "pledged",
                                       "attended", "volunteered", "acted", "did", "never", "last", "first", "lybunt", "sybunt",
                                       "rfm", "in segment", "not"]
            var message = "expected a condition, found \(current.shown)"
            if current.kind == .word, let guess = Suggestion.closest(to: current.text, among: known) {
                message += "; did you mean '\(guess)'?"
            } else {
                message += " (conditions start with: role, tag, city, gave, attended, can, created, ...)"
            }
            throw error(message)
        }
    }

    /// `FIELD is [not] VALUE` or `FIELD [not] in (VALUE, ...)`.
    private mutating func parseField() throws(RuleError) -> RuleCondition {
        let field = take().keyword
        var condition = RuleCondition(subject: field)
        if accept("is") {
            condition.measure = accept("not") ? "is_not" : "is"
            condition.values = [try fieldValue(field)]
            return condition
        }
        let negated = accept("not")
        guard accept("in") else {
            throw error("expected 'is' or 'in' after '\(field)', found \(current.shown)")
        }
        condition.measure = negated ? "not_in" : "in"
        guard current.kind == .openParenthesis else { throw error("expected '(' to start the list of values") }
        take()
        var values = [try fieldValue(field)]
        while current.kind == .comma {
            take()
            values.append(try fieldValue(field))
        }
        guard current.kind == .closeParenthesis else { throw error("expected ',' or ')' in the list of values, found \(current.shown)") }
        take()
        condition.values = values
        return condition
    }

    /// A value of `field`, checked for its type (a role must be a role, a country a code).
    private mutating func fieldValue(_ field: String) throws(RuleError) -> String {
        switch field {
        case "role": return try vocabulary(ContactRole.self, "a role")
        case "source": return try vocabulary(SourceChannel.self, "a source channel")
        case "kind": return try vocabulary(ContactKind.self, "person or organization")
        case "country", "language":
            let token = current
            let text = try value(field == "country" ? "a country code such as LB" : "a language code such as ar")
            do {
                return field == "country" ? try StandardCodes.country(text) : try StandardCodes.language(text)
            } catch {
                throw self.error(at: token, "'\(text)' is not \(field == "country" ? "an ISO 3166 country code (such as LB, JO, GB)" : "an ISO 639 language code (such as ar, en)")")
            }
        default:
            return try value("a \(field)")
        }
    }

    /// The longest value a rule may compare with (a name, a city, a tag).
    static let valueLength = 300

    /// A bare word or a quoted string.
    private mutating func value(_ expected: String) throws(RuleError) -> String {
        guard current.kind == .word || current.kind == .string || current.kind == .number else {
            throw error("expected \(expected), found \(current.shown)")
        }
        let text = take().text
        guard !text.trimmed.isEmpty else { throw error(at: tokens[position - 1], "expected \(expected), found an empty string") }
        // The same rules as any name or label typed into Sanad: one line, no controls, no
        // direction controls, at most 300 characters.
        do {
            _ = try TextRules.cleanedName(text, field: "the value", maxLength: Self.valueLength)
        } catch let problem as SanadError {
            throw error(at: tokens[position - 1], problem.message + "; retype it")
        } catch {
            throw self.error(at: tokens[position - 1], "the value cannot be used; retype it")
        }
        return text
    }

    private mutating func vocabulary<V: Vocabulary>(_ type: V.Type, _ expected: String) throws(RuleError) -> String {
        let token = current
        let text = try value(expected)
        do {
            return try V.parse(text).rawValue
        } catch let problem as SanadError {
            throw error(at: token, "\(problem.message); \(problem.hint ?? "")")
        } catch {
            throw self.error(at: token, "expected \(expected)")
        }
    }

    private mutating func number(_ expected: String) throws(RuleError) -> Decimal {
        guard current.kind == .number, let value = Decimal(string: InputValues.asciiDigits(current.text), locale: Locale(identifier: "en_US_POSIX")) else {
            throw error("expected \(expected), found \(current.shown)")
        }
        take()
        return value
    }

    /// `at least N`, `at most N`, `more than N`, `less than N`, `exactly N`, `>= N`, `N+`, ...
    private mutating func parseComparison(after subject: String) throws(RuleError) -> (Comparison?, Decimal?) {
        if current.kind == .number && peek().kind == .plus {
            let value = try number("a number")
            take()
            return (.atLeast, value)
        }
        let comparison: Comparison
        switch (current.keyword, peek().keyword, current.kind == .symbol ? current.text : "") {
        case ("at", "least", _): take(); take(); comparison = .atLeast
        case ("at", "most", _): take(); take(); comparison = .atMost
        case ("more", "than", _): take(); take(); comparison = .moreThan
        case ("less", "than", _), ("fewer", "than", _): take(); take(); comparison = .lessThan
        case ("exactly", _, _): take(); comparison = .exactly
        case (_, _, ">="): take(); comparison = .atLeast
        case (_, _, "<="): take(); comparison = .atMost
        case (_, _, ">"): take(); comparison = .moreThan
        case (_, _, "<"): take(); comparison = .lessThan
        case (_, _, "="): take(); comparison = .exactly
        default:
            throw error("expected a comparison after '\(subject)' (at least, at most, more than, less than, exactly, or N+), found \(current.shown)")
        }
        return (comparison, try number("a number after the comparison"))
    }

    /// A three-letter currency code.
    private mutating func currency() throws(RuleError) -> String {
        let token = current
        let text = try value("a currency such as USD")
        do {
            return try StandardCodes.currency(text)
        } catch {
            throw self.error(at: token, "'\(text)' is not an ISO 4217 currency code (such as USD, EUR, LBP)")
        }
    }

    /// An activity: `gave at least 100 USD in the last 365 days`, `attended 2+ events since
    /// 2026-01-01`, `volunteered 10+ hours this year`, `did meeting 3+ times`, ...
    private mutating func parseActivity(allowMeasure: Bool) throws(RuleError) -> RuleCondition {
        let verbToken = current
        let verb = take().keyword
        let type: String
        if verb == "did" {
            type = try vocabulary(InteractionType.self, "an interaction type (donation, meeting, call, ...)")
        } else if let known = Self.activityVerbs[verb] {
            type = known
        } else {
            throw error(at: verbToken, "expected gave, pledged, attended, volunteered, acted or did TYPE, found \(verbToken.shown)")
        }
        var condition = RuleCondition(subject: type)
        condition.measure = "count"
        condition.comparison = .atLeast
        condition.number = 1
        if allowMeasure, isComparisonStart {
            let (comparison, value) = try parseComparison(after: verb)
            condition.comparison = comparison
            condition.number = value
            switch current.keyword {
            case "times", "time": take()
            case "events" where type == "event_attendance": take()
            case "hours", "hour":
                guard type == "volunteer_shift" else { throw error("only 'volunteered' counts hours") }
                take()
                condition.measure = "hours"
            default:
                if type == "donation" || type == "pledge" {
                    condition.measure = "sum"
                    if current.kind == .word, current.text.count == 3, current.text.allSatisfy(\.isLetter), current.text == current.text.uppercased() {
                        condition.currency = try currency()
                    }
                    // `100 USD only` or `100 only in USD`: gifts in that currency alone, not converted.
                    // (After `USD only`, an `in` starts the time: `... USD only in the last 90 days`.)
                    if current.keyword == "only" {
                        take()
                        if condition.currency == nil {
                            guard accept("in") else {
                                throw error("expected a currency with 'only', such as 'gave at least 100 USD only' or 'gave at least 100 only in USD'")
                            }
                            condition.currency = try currency()
                        }
                        condition.onlyInCurrency = true
                    }
                } else {
                    throw error("expected 'times'\(type == "event_attendance" ? " or 'events'" : type == "volunteer_shift" ? " or 'hours'" : "") after the number, found \(current.shown)")
                }
            }
        }
        // Qualifiers in any order: a time, a campaign, an event.
        while true {
            if let window = try parseWindow() {
                guard condition.window == nil else { throw error(at: tokens[position - 1], "this condition already has a time") }
                condition.window = window
            } else if current.keyword == "campaign" {
                take()
                condition.campaign = try value("a campaign's slug").lowercased()
            } else if current.keyword == "event" && peek().kind == .number {
                take()
                condition.event = Int64(truncating: try number("an event id") as NSDecimalNumber)
            } else {
                break
            }
        }
        return condition
    }

    private var isComparisonStart: Bool {
        (current.kind == .number && peek().kind == .plus) || current.kind == .symbol
            || (current.keyword == "at" && ["least", "most"].contains(peek().keyword))
            || (["more", "less", "fewer"].contains(current.keyword) && peek().keyword == "than") || current.keyword == "exactly"
    }

    /// A time: `in the last N days`, `since DATE`, `before DATE`, `after DATE`, `between DATE
    /// and DATE`, `this year`, `last year`, `this month`, `last month`. Nil if none starts here.
    private mutating func parseWindow() throws(RuleError) -> TimeWindow? {
        switch current.keyword {
        case "in" where peek().keyword == "the" || peek().keyword == "last":
            take()
            _ = accept("the")
            try expect("last", "in 'in the last N days'")
            let count = try number("a number of days, weeks, months or years")
            let unitToken = current
            let unit = take().keyword
            let units = ["day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
                         "year": "years", "years": "years"]
            guard let normalized = units[unit] else {
                throw error(at: unitToken, "expected days, weeks, months or years, found \(unitToken.shown)")
            }
            guard count > 0, count <= 10_000, count == Decimal(Int(truncating: count as NSDecimalNumber)) else {
                throw error(at: tokens[position - 2], "the number of \(normalized) must be a whole number from 1 to 10000")
            }
            return .last(count: Int(truncating: count as NSDecimalNumber), unit: normalized)
        case "since", "after":
            take()
            return .since(try date())
        case "before":
            take()
            return .before(try date())
        case "between":
            take()
            let first = try date()
            try expect("and", "between the two dates")
            let second = try date()
            guard CalendarDate(iso: first.text)! < CalendarDate(iso: second.text)! else {
                throw error(at: tokens[position - 1], "the second date must come after the first")
            }
            return .between(first, second)
        case "this" where ["year", "month"].contains(peek().keyword):
            take()
            return take().keyword == "year" ? .thisYear : .thisMonth
        case "last" where ["year", "month"].contains(peek().keyword):
            take()
            return take().keyword == "year" ? .lastYear : .lastMonth
        default:
            return nil
        }
    }

    private mutating func date() throws(RuleError) -> CalendarDateText {
        let token = current
        guard token.kind == .word || token.kind == .string || token.kind == .number,
              let day = CalendarDate(iso: InputValues.asciiDigits(token.text)) else {
            throw error("expected a date as YYYY-MM-DD, found \(token.shown)")
        }
        take()
        return CalendarDateText(day.description)
    }
}
