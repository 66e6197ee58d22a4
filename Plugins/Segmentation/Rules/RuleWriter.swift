internal import Foundation

/// Writes a ``Rule`` in the rule language. Reading the text back gives the same rule, so a
/// JSON rule goes through exactly the checks a written one does.
enum RuleWriter {
    static func text(of rule: Rule) -> String {
        switch rule {
        case .all(let rules): rules.map { grouped($0, inside: "and") }.joined(separator: " and ")
        case .any(let rules): rules.map { grouped($0, inside: "or") }.joined(separator: " or ")
        case .not(let rule): "not " + grouped(rule, inside: "not")
        case .condition(let condition): text(of: condition)
        }
    }

    private static func grouped(_ rule: Rule, inside parent: String) -> String {
        switch rule {
        case .condition: text(of: rule)
        case .not: parent == "not" ? "(" + text(of: rule) + ")" : text(of: rule)
        case .all where parent == "and": text(of: rule)
        case .any where parent == "or": text(of: rule)
        default: "(" + text(of: rule) + ")"
        }
    }

    /// A value as a bare word when that reads back the same, else in double quotes.
    static func value(_ text: String) -> String {
        let keywords: Set<String> = ["and", "or", "not", "in", "is"]
        if !text.isEmpty, text.unicodeScalars.allSatisfy(RuleLexer.isWordScalar), !keywords.contains(text.lowercased()),
           !(text.unicodeScalars.first.map(RuleLexer.isDigit) ?? false), !RuleLexer.isMark(text.unicodeScalars.first!) {
            return text
        }
        // Escaped per scalar, as the lexer reads it: every quote and backslash, whatever follows.
        var quoted = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "\"" || scalar == "“" || scalar == "”" { quoted.append("\\") }
            quoted.append(scalar)
        }
        return "\"" + String(quoted) + "\""
    }

    static func comparison(_ comparison: Comparison?, _ number: Decimal?) -> String {
        let phrase = switch comparison ?? .atLeast {
        case .atLeast: "at least"
        case .atMost: "at most"
        case .moreThan: "more than"
        case .lessThan: "less than"
        case .exactly: "exactly"
        }
        return "\(phrase) \(number ?? 0)"
    }

    static func window(_ window: TimeWindow?) -> String {
        guard let window else { return "" }
        return switch window {
        case .last(let count, let unit): " in the last \(count) \(unit)"
        case .since(let day): " since \(day)"
        case .before(let day): " before \(day)"
        case .between(let first, let last): " between \(first) and \(last)"
        case .thisYear: " this year"
        case .lastYear: " last year"
        case .thisMonth: " this month"
        case .lastMonth: " last month"
        }
    }

    static let verbs: [String: String] = Dictionary(uniqueKeysWithValues: RuleParser.activityVerbs.map { ($1, $0) })

    static func text(of condition: RuleCondition) -> String {
        let values = (condition.values ?? []).map(value)
        switch condition.subject {
        case let field where RuleParser.fields.contains(field):
            return switch condition.measure {
            case "is_not": "\(field) is not \(values.first ?? "")"
            case "in": "\(field) in (\(values.joined(separator: ", ")))"
            case "not_in": "\(field) not in (\(values.joined(separator: ", ")))"
            default: "\(field) is \(values.first ?? "")"
            }
        case "pep", "lybunt", "sybunt": return condition.subject
        case "has_email": return "has email"
        case "has_phone": return "has phone"
        case let subject where subject.hasPrefix("can_"): return "can \(subject.dropFirst(4))"
        case "consent": return "consent \(condition.part ?? "") is \(values.first ?? "")"
        case "suppressed": return values.isEmpty ? "suppressed" : "suppressed as \(values[0])"
        case "created", "born": return condition.subject + window(condition.window)
        case "age": return "age \(comparison(condition.comparison, condition.number))"
        case "rfm":
            return "rfm \(condition.part ?? "score") \(comparison(condition.comparison, condition.number))"
                + (condition.currency.map { " in \($0)" } ?? "")
        case "segment": return "in segment \(value(condition.segment ?? ""))"
        default:
            let verb = verbs[condition.subject].map { $0 } ?? "did \(condition.subject)"
            var text: String
            switch condition.measure {
            case "last", "first": text = "\(condition.measure!) \(verb)"
            case "sum":
                text = "\(verb) \(comparison(condition.comparison, condition.number))" + (condition.currency.map { " \($0)" } ?? "")
                    + (condition.onlyInCurrency == true ? " only" : "")
            case "hours": text = "\(verb) \(comparison(condition.comparison, condition.number)) hours"
            default:
                if condition.comparison == .exactly && condition.number == 0 {
                    text = "never \(verb)"
                } else if condition.comparison == .atLeast && condition.number == 1 {
                    text = verb
                } else {
                    text = "\(verb) \(comparison(condition.comparison, condition.number)) times"
                }
            }
            text += window(condition.window)
            if let campaign = condition.campaign { text += " campaign \(value(campaign))" }
            if let event = condition.event { text += " event \(event)" }
            return text
        }
    }
}
