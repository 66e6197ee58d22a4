internal import Foundation
internal import SanadCore

/// The words of findings and of the report, in English and Arabic: one sentence per finding
/// that says what was seen and why it matters, with the figures behind it.
enum FindingText {
    enum Language {
        case english, arabic

        init(code: String) { self = code.lowercased().hasPrefix("ar") ? .arabic : .english }
    }

    static let rules = ["concentration", "hhi", "substantial_contributor", "share_rise", "new_funder", "restricted_share",
                        "conditions", "notes", "conflict_of_interest", "pep", "anonymous_gift", "election_period_gift",
                        "decision_after_gift"]

    static func ruleTitle(_ rule: String, _ language: Language) -> String {
        let titles: [String: (String, String)] = [
            "concentration": ("Funding concentration", "تركّز التمويل"),
            "hhi": ("Concentration index (HHI)", "مؤشر التركّز (هيرفندال-هيرشمان)"),
            "substantial_contributor": ("Substantial contributor", "مساهم كبير"),
            "share_rise": ("Rising share", "حصة متصاعدة"),
            "new_funder": ("New large funder", "ممول جديد كبير"),
            "restricted_share": ("Restricted gifts", "تبرعات مقيّدة"),
            "conditions": ("Gift conditions", "شروط التبرع"),
            "notes": ("Funder's notes", "ملاحظات عن الممول"),
            "conflict_of_interest": ("Conflict of interest", "تضارب المصالح"),
            "pep": ("Politically exposed person", "شخص معرّض سياسياً"),
            "anonymous_gift": ("Large anonymous gift", "تبرع كبير مجهول المصدر"),
            "election_period_gift": ("Gift in an election period", "تبرع خلال فترة انتخابية"),
            "decision_after_gift": ("Decision after a large gift", "قرار بعد تبرع كبير"),
        ]
        let pair = titles[rule] ?? (rule, rule)
        return language == .arabic ? pair.1 : pair.0
    }

    static func categoryName(_ category: String, _ language: Language) -> String {
        let names: [String: (String, String)] = [
            "purpose": ("purpose restriction", "تخصيص الغرض"),
            "governance": ("governance", "التدخل في الحوكمة"),
            "messaging": ("messaging", "التحكم في الخطاب"),
            "mobilization": ("supporter mobilization", "تعبئة المؤيدين"),
            "private_benefit": ("private benefit", "منفعة خاصة"),
            "pass_through": ("pass-through", "تمرير الأموال لطرف ثالث"),
            "political": ("political", "سياسي"),
        ]
        let pair = names[category] ?? (category, category)
        return language == .arabic ? pair.1 : pair.0
    }

    static func severityName(_ severity: String, _ language: Language) -> String {
        switch (severity, language) {
        case ("high", .english): "High"
        case ("warn", .english): "Warning"
        case ("notice", .english): "Notice"
        case ("high", .arabic): "خطر مرتفع"
        case ("warn", .arabic): "تحذير"
        case ("notice", .arabic): "تنبيه"
        default: severity
        }
    }

    static func statusName(_ status: String, _ language: Language) -> String {
        let names = ["open": ("open", "مفتوحة"), "acknowledged": ("acknowledged", "أُخذ العلم"),
                     "dismissed": ("dismissed", "مستبعدة"), "resolved": ("resolved", "معالجة")]
        return names[status].map { language == .arabic ? $0.1 : $0.0 } ?? status
    }

    /// One sentence for a finding. `feminine` says which contacts Arabic words about take
    /// the feminine (by contact id; see ``ArabicGrammar/isFeminine(kind:name:gender:)``);
    /// `head` is the contact that names the group.
    static func summary(rule: String, group: String?, members: Int, evidence: [String: Any], language code: String,
                        head: Int64? = nil, feminine: [Int64: Bool] = [:]) -> String {
        let language = Language(code: code)
        let arabic = language == .arabic
        // The association (الجمعية) is feminine; a group agrees with the contact that names it.
        let she = group == nil || head.flatMap { feminine[$0] } == true
        func isFeminine(_ person: Any?) -> Bool {
            guard let id = ((person as? [String: Any])?["id"] as? NSNumber)?.int64Value else { return false }
            return feminine[id] == true
        }
        /// The verb or adjective that agrees: `agree("قدّم", "قدّمت")`.
        func agree(_ masculine: String, _ feminineForm: String) -> String { she ? feminineForm : masculine }
        let who: String = {
            guard let group else { return arabic ? "الجمعية" : "The association" }
            guard members > 1 else { return group }
            return arabic
                ? "\(group) ومن يرتبط \(agree("به", "بها")) (\(ArabicGrammar.count(members, .party)))"
                : "\(group) and related contacts (\(members) in the group)"
        }()
        let currency = evidence["currency"] as? String ?? ""
        let months = integer(evidence["window_months"])
        switch rule {
        case "concentration":
            return arabic
                ? "\(who) \(agree("قدّم", "قدّمت")) \(percent(evidence["share"])) من التبرعات في آخر \(ArabicGrammar.count(months, .monthAfterLast)) (\(amount(evidence["total"])) \(currency) من \(amount(evidence["income"])))."
                : "\(who) gave \(percent(evidence["share"])) of donated income in the last \(months) months (\(amount(evidence["total"])) of \(amount(evidence["income"])) \(currency))."
        case "hhi":
            return arabic
                ? "مؤشر التركّز \(amount(evidence["hhi"])): التمويل مركّز كأنه من \(amount(evidence["effective_funders"])) من الممولين المتساوين فقط."
                : "Funding concentration index \(amount(evidence["hhi"])): income is as concentrated as \(amount(evidence["effective_funders"])) equal funders."
        case "substantial_contributor":
            return arabic
                ? "\(who) \(agree("مساهم كبير", "مساهمة كبيرة")): \(amount(evidence["total"])) \(currency) أي \(percent(evidence["share"])) من التبرعات."
                : "\(who) is a substantial contributor: \(amount(evidence["total"])) \(currency), \(percent(evidence["share"])) of contributions."
        case "share_rise":
            return arabic
                ? "حصة \(who) ارتفعت بمقدار \(ArabicGrammar.count(evidence["rise_points"], .point)) خلال سنة (من \(percent(evidence["previous_share"])) إلى \(percent(evidence["share"])))."
                : "\(who)'s share rose \(amount(evidence["rise_points"])) points in a year (from \(percent(evidence["previous_share"])) to \(percent(evidence["share"])))."
        case "new_funder":
            return arabic
                ? "\(who) \(agree("ممول جديد بلغت حصته", "ممولة جديدة بلغت حصتها")) \(percent(evidence["share"])) من التبرعات."
                : "\(who) is a new funder who reached \(percent(evidence["share"])) of donated income."
        case "restricted_share":
            return arabic
                ? "تبرعات \(who) المقيّدة تبلغ \(percent(evidence["share"])) من الدخل السنوي (\(amount(evidence["restricted"])) \(currency))."
                : "\(who)'s restricted gifts are \(percent(evidence["share"])) of annual income (\(amount(evidence["restricted"])) \(currency))."
        case "conditions", "notes":
            let category = categoryName(evidence["category"] as? String ?? "", language)
            let items = (evidence[rule == "conditions" ? "gifts" : "notes"] as? [[String: Any]]) ?? []
            var matched = Set(items.flatMap { $0["matched"] as? [String] ?? [] }).sorted().map { "«\($0)»" }.joined(separator: arabic ? "، " : ", ")
            // Where only the trained model read the family, say so, with its confidence.
            let modelOnly = items.filter { $0["read_by"] as? String == "model" }.compactMap { ($0["confidence"] as? NSNumber)?.doubleValue }
            if let confidence = modelOnly.max() {
                matched += arabic ? String(format: " (قراءة النموذج، ثقة %.2f)", confidence) : String(format: " (read by the model, confidence %.2f)", confidence)
            }
            if rule == "conditions" {
                return arabic
                    ? "شروط \(ArabicGrammar.count(items.count, .giftAfterNoun)) من \(who) تدخل في باب \(category): \(matched)."
                    : "Conditions on \(items.count) gift(s) from \(who) read as \(category): \(matched)."
            }
            return arabic
                ? "\(ArabicGrammar.count(items.count, .note)) عن \(who) \(items.count == 1 ? "تدخل" : items.count == 2 ? "تدخلان" : "تدخل") في باب \(category): \(matched)."
                : "\(items.count) note(s) about \(who) read as \(category): \(matched)."
        case "conflict_of_interest":
            let decision = evidence["decision"] as? [String: Any] ?? [:]
            let trustee = (evidence["trustee"] as? [String: Any])?["name"] as? String ?? "?"
            let trusteeIsFeminine = isFeminine(evidence["trustee"])
            return arabic
                ? "\(trusteeIsFeminine ? "العضوة" : "العضو") \(trustee) في مجلس الإدارة \(trusteeIsFeminine ? "تنتمي" : "ينتمي") إلى مجموعة \(agree("الممول", "الممولة")) \(who)، ولم يُسجَّل إفصاح أو تنحٍّ في قرار «\(decision["subject"] as? String ?? "")» (\(decision["date"] as? String ?? ""))."
                : "Trustee \(trustee) belongs to funder group \(who), and no declaration or recusal is recorded for the decision \"\(decision["subject"] as? String ?? "")\" (\(decision["date"] as? String ?? ""))."
        case "pep":
            let giver = (evidence["giver"] as? [String: Any])?["name"] as? String ?? "?"
            let exposed = ((evidence["exposed"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }.joined(separator: ", ")
            return arabic
                ? "\(giver) \(isFeminine(evidence["giver"]) ? "تبرعت" : "تبرع") بـ \(amount(evidence["total"])) \(currency) دون موافقة مسجلة، وفي \(isFeminine(evidence["giver"]) ? "مجموعتها" : "مجموعته") شخص معرّض سياسياً (\(exposed))."
                : "\(giver) gave \(amount(evidence["total"])) \(currency) without a recorded approval; the group includes a politically exposed person (\(exposed))."
        case "anonymous_gift":
            let gift = evidence["gift"] as? [String: Any] ?? [:]
            let given = money(gift, in: currency)
            let limit = evidence["limit_as_set"] as? String ?? "\(amount(evidence["limit"])) \(currency)"
            return arabic
                ? "تبرع مجهول المصدر بقيمة \(given) في \(gift["date"] as? String ?? "") يتجاوز الحد \(limit)."
                : "Anonymous gift of \(given) on \(gift["date"] as? String ?? "") is above the limit of \(limit)."
        case "election_period_gift":
            let election = evidence["election"] as? [String: Any] ?? [:]
            let gifts = (evidence["gifts"] as? [[String: Any]]) ?? []
            return arabic
                ? "\(who) \(agree("قدّم", "قدّمت")) \(ArabicGrammar.count(gifts.count, .giftAsObject)) خلال فترة «\(election["name"] as? String ?? "")» (\(election["announced_on"] as? String ?? "") – \(election["polling_day"] as? String ?? ""))."
                : "\(who) made \(gifts.count) gift(s) during the election period \"\(election["name"] as? String ?? "")\" (\(election["announced_on"] as? String ?? "") to \(election["polling_day"] as? String ?? ""))."
        case "decision_after_gift":
            let decision = evidence["decision"] as? [String: Any] ?? [:]
            let days = integer(evidence["days"])
            return arabic
                ? "قرار «\(decision["subject"] as? String ?? "")» (\(decision["date"] as? String ?? "")) يفيد \(who) خلال \(ArabicGrammar.count(days, .dayAfterPreposition)) من تبرع كبير \(agree("منه", "منها"))."
                : "The decision \"\(decision["subject"] as? String ?? "")\" (\(decision["date"] as? String ?? "")) benefits \(who) within \(days) days of a large gift from it."
        default:
            return "\(rule): \(who)"
        }
    }

    /// A gift's amount as given, with its value in the base currency when it was another:
    /// `1,500 USD (134,250,000 LBP)`.
    static func money(_ gift: [String: Any], in baseCurrency: String) -> String {
        let currency = gift["currency"] as? String ?? ""
        let given = "\(amount(gift["amount"])) \(currency)"
        guard currency != baseCurrency, !baseCurrency.isEmpty, gift["base_amount"] != nil else { return given }
        return given + " (\(amount(gift["base_amount"])) \(baseCurrency))"
    }

    static func percent(_ value: Any?) -> String {
        guard let number = double(value) else { return "?" }
        return String(format: "%.1f%%", number * 100)
    }

    static func amount(_ value: Any?) -> String {
        guard let number = double(value) else { return "?" }
        let rounded = (number * 100).rounded() / 100
        let whole = Int64(rounded.rounded(.towardZero))
        let digits = String(abs(whole))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        let cents = Int((abs(rounded) * 100).rounded()) % 100
        return (rounded < 0 ? "-" : "") + grouped + (cents == 0 ? "" : String(format: ".%02d", cents))
    }

    static func double(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let text as String: Double(text)
        default: nil
        }
    }

    static func integer(_ value: Any?) -> Int { Int(double(value) ?? 0) }
}

/// Arabic agreement for generated text: counted nouns (1 and 2 have their own forms, 3–10
/// take the plural, 11–99 the singular in the accusative, whole hundreds the singular) and
/// the gender words about a contact take.
enum ArabicGrammar {
    /// A counted noun's forms, for the place in the sentence it stands in.
    struct Noun {
        let one, two, plural, accusative, genitive: String

        static let party = Noun(one: "جهة واحدة", two: "جهتان", plural: "جهات", accusative: "جهة", genitive: "جهة")
        /// After آخر: آخر شهر، آخر شهرين، آخر 3 أشهر، آخر 12 شهراً.
        static let monthAfterLast = Noun(one: "شهر", two: "شهرين", plural: "أشهر", accusative: "شهراً", genitive: "شهر")
        /// As the second of a construct: شروط تبرع، شروط تبرعين، شروط 3 تبرعات.
        static let giftAfterNoun = Noun(one: "تبرع", two: "تبرعين", plural: "تبرعات", accusative: "تبرعاً", genitive: "تبرع")
        /// As a verb's object: قدّم تبرعاً واحداً، تبرعين، 3 تبرعات، 11 تبرعاً.
        static let giftAsObject = Noun(one: "تبرعاً واحداً", two: "تبرعين", plural: "تبرعات", accusative: "تبرعاً", genitive: "تبرع")
        static let note = Noun(one: "ملاحظة واحدة", two: "ملاحظتان", plural: "ملاحظات", accusative: "ملاحظة", genitive: "ملاحظة")
        /// After خلال: خلال يوم، خلال يومين، خلال 3 أيام، خلال 30 يوماً.
        static let dayAfterPreposition = Noun(one: "يوم", two: "يومين", plural: "أيام", accusative: "يوماً", genitive: "يوم")
        /// After من: من مجموعة ممولين واحدة، من مجموعتي ممولين، من 3 مجموعات ممولين.
        static let funderGroupAfterPreposition = Noun(one: "مجموعة ممولين واحدة", two: "مجموعتي ممولين", plural: "مجموعات ممولين",
                                                      accusative: "مجموعة ممولين", genitive: "مجموعة ممولين")
        /// After بمقدار: نقطة واحدة، نقطتين، 3 نقاط، 12 نقطة.
        static let point = Noun(one: "نقطة واحدة", two: "نقطتين", plural: "نقاط", accusative: "نقطة", genitive: "نقطة")
    }

    static func count(_ number: Int, _ noun: Noun) -> String {
        switch number {
        case 1: return noun.one
        case 2: return noun.two
        default:
            let lastTwo = number % 100
            if (3...10).contains(lastTwo) { return "\(number) \(noun.plural)" }
            if (11...99).contains(lastTwo) { return "\(number) \(noun.accusative)" }
            return "\(number) \(noun.genitive)"
        }
    }

    /// A figure that may have decimals: a whole number agrees; a fraction takes the singular (12.5 نقطة).
    static func count(_ value: Any?, _ noun: Noun) -> String {
        guard let number = FindingText.double(value) else { return "? \(noun.genitive)" }
        let rounded = (number * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e9 { return count(Int(rounded), noun) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return "\(text) \(noun.genitive)"
    }

    /// Nouns that make an organization's name masculine when it begins with one (بنك عودة،
    /// صندوق الزكاة); other organizations are feminine, as جمعية، مؤسسة، شركة، جهة are.
    static let masculineOrganizationNouns: Set<String> = Set([
        "بنك", "مصرف", "صندوق", "مركز", "اتحاد", "مجلس", "نادي", "حزب", "تجمع", "معهد", "مكتب", "مستشفى", "مجمع", "ائتلاف",
        "برنامج", "فريق", "تيار", "منتدى", "بيت", "ديوان", "مختبر", "متجر", "مطعم", "مصنع", "معمل", "مرصد", "مستوصف",
    ].map(NameKeys.normalized))

    /// Whether Arabic words about a contact take the feminine: a woman, or an organization
    /// whose name does not begin with a masculine noun. A person whose gender is not
    /// recorded takes the masculine, as Arabic does.
    static func isFeminine(kind: String, name: String, gender: String?) -> Bool {
        guard kind == "organization" else { return gender == "female" }
        guard var first = NameKeys.normalized(name).split(separator: " ").first.map(String.init) else { return true }
        if first.hasPrefix("ال") && first.count > 3 { first.removeFirst(2) }
        return !masculineOrganizationNouns.contains(first)
    }
}
