public import SanadCore
public import Foundation
public import Postgres

/// SplitMix64: small, fast, and the same sequence for the same seed on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator for one record: the same (seed, stream, index) always gives the same values.
    public init(seed: UInt64, stream: UInt64 = 0, index: UInt64 = 0) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 ^ stream &* 0xBF58_476D_1CE4_E5B9 ^ index &* 0x94D0_49BB_1331_11EB
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    mutating func pick<T>(_ values: [T]) -> T {
        values[Int.random(in: 0..<values.count, using: &self)]
    }
}

/// One generated contact and what the generator knows about it.
public struct GeneratedContact: Sendable {
    public var index: Int
    public var externalID: String
    public var input: ContactInput
    /// The earlier person this row enters again (a labelled duplicate).
    public var duplicateOf: Int?
    /// The head of the household this person belongs to (shares a phone, maybe an email).
    public var familyOf: Int?
    public var relationshipToHead: RelationshipKind?
    /// For an organization that funds: the person funder who controls it.
    public var controlledBy: Int?
    public var isFunder: Bool
    public var consent: GeneratedConsent?
    public var suppression: SuppressionReason?
}

public struct GeneratedConsent: Sendable {
    public var status: ConsentStatus
    public var basis: LegalBasis?
    public var source: String
    public var wording: String
    public var recordedAt: Date
    public var expiresAt: Date?
}

/// One generated interaction; `eventIndex` points into ``SyntheticAssociation/events``.
public struct GeneratedInteraction: Sendable {
    public var draft: InteractionDraft
    public var eventIndex: Int?
    public var importKey: String
}

/// A realistic association's people and history, generated from a seed: Arabic, Latin and
/// mixed names with real spelling variation, households that share a phone, people entered
/// twice (labelled), phones written every way people write them, funders (some
/// organizations controlled by a person), gifts with and without conditions, campaigns,
/// events and consent. The same seed and size always give the same data.
public struct SyntheticAssociation: Sendable {
    public struct Configuration: Sendable {
        public var seed: UInt64
        public var contacts: Int
        public var interactionsPerContact: Double = 5
        public var duplicateRate = 0.03
        public var householdRate = 0.08
        public var funderRate = 0.02
        /// "Today" for the generated history (the last three years before it).
        public var referenceDay: CalendarDate

        public init(seed: UInt64, contacts: Int, referenceDay: CalendarDate = CalendarDate(utc: Date())) {
            self.seed = seed
            self.contacts = contacts
            self.referenceDay = referenceDay
        }
    }

    public let configuration: Configuration
    public let association: Association
    public private(set) var campaigns: [CampaignInput] = []
    public private(set) var events: [EventInput] = []

    public init(_ configuration: Configuration, for association: Association) {
        self.configuration = configuration
        self.association = association
        campaigns = makeCampaigns()
        events = makeEvents()
    }

    var arabicFirst: Bool { association.language == "ar" }
    var places: [NamePools.Place] { association.country == "GB" ? NamePools.britain : NamePools.lebanon }

    // MARK: Campaigns and events

    func makeCampaigns() -> [CampaignInput] {
        let count = max(3, min(20, configuration.contacts / 5000))
        var random = SeededRandom(seed: configuration.seed, stream: 1)
        return (0..<count).map { index in
            let theme = NamePools.campaignThemes[index % NamePools.campaignThemes.count]
            let start = configuration.referenceDay.adding(days: -1000 + index * (1000 / count))
            let end = start.adding(days: Int.random(in: 60...240, using: &random))
            var input = CampaignInput(slug: "\(theme.latin.lowercased().replacingOccurrences(of: " ", with: "-"))-\(start.year)-\(index + 1)",
                                      title: arabicFirst ? theme.arabic : theme.latin, startsOn: start.description, endsOn: end.description)
            input.problem = theme.problem
            input.place = arabicFirst ? random.pick(places).arabic : random.pick(places).latin
            input.goalBeneficiaries = Int.random(in: 5...50, using: &random) * 20
            input.goalAmount = String(Int.random(in: 5...200, using: &random) * 1000)
            input.goalCurrency = currency
            input.goalPeopleEngaged = Int.random(in: 5...100, using: &random) * 10
            return input
        }
    }

    func makeEvents() -> [EventInput] {
        let count = max(5, min(300, configuration.contacts / 1000))
        let campaignSlugs = campaigns.map(\.slug)
        var random = SeededRandom(seed: configuration.seed, stream: 2)
        let titles = arabicFirst
            ? ["تدريب المتطوعين", "لقاء المؤيدين", "توزيع المساعدات", "أمسية خيرية", "ورشة عمل", "يوم مفتوح"]
            : ["Volunteer training", "Supporters' evening", "Food distribution", "Charity dinner", "Workshop", "Open day"]
        return (0..<count).map { index in
            // A few events lie ahead, the rest spread over the past three years.
            let day = configuration.referenceDay.adding(days: index < 4 ? 3 + index * 9 : -Int.random(in: 1...1000, using: &random))
            var input = EventInput(title: random.pick(titles), startsAt: "\(day) \(Int.random(in: 9...19, using: &random)):00")
            input.endsAt = nil
            input.place = arabicFirst ? random.pick(places).arabic : random.pick(places).latin
            input.campaign = random.chance(0.5) ? random.pick(campaignSlugs) : nil
            input.capacity = random.chance(0.6) ? Int.random(in: 2...20, using: &random) * 10 : nil
            return input
        }
    }

    var currency: String { association.baseCurrency == "LBP" ? "USD" : association.baseCurrency }

    // MARK: People

    /// Who a person is, independent of how a given row writes them.
    struct Identity {
        var female: Bool
        var given: NamePools.Name
        var family: NamePools.Name
        var english: (given: String, family: String)?
        var birthDate: CalendarDate?
        var place: NamePools.Place
        var phoneDigits: String?
        var emailLocal: String
        var emailDomain: String
        var hasEmail: Bool
        var organization: (arabic: String, latin: String)?
    }

    func baseIdentity(_ index: Int) -> Identity {
        var random = SeededRandom(seed: configuration.seed, stream: 3, index: UInt64(index))
        let female = random.chance(0.5)
        let given = random.pick(female ? NamePools.femaleGiven : NamePools.maleGiven)
        let family = random.pick(NamePools.family)
        let englishPerson = !arabicFirst && random.chance(0.75)
        let english = englishPerson ? (random.pick(NamePools.englishGiven), random.pick(NamePools.englishFamily)) : nil
        let organization = random.chance(configuration.funderRate * 0.25) ? random.pick(NamePools.organizations) : nil
        let birth: CalendarDate? = random.chance(0.6)
            ? CalendarDate(year: Int.random(in: 1940...2006, using: &random), month: Int.random(in: 1...12, using: &random),
                           day: Int.random(in: 1...28, using: &random))
            : nil
        let latinGiven = english?.0 ?? given.latin[0]
        let latinFamily = english?.1 ?? family.latin[0]
        // Two people share an address only when the generator means it (households), so
        // every identity's address carries its own number.
        let local = Self.asciiLetters(latinGiven) + (random.chance(0.5) ? "." : "") + Self.asciiLetters(latinFamily) + String(index)
        return Identity(
            female: female, given: given, family: family, english: english, birthDate: birth, place: random.pick(places),
            phoneDigits: random.chance(0.9) ? nationalMobile(index) : nil, emailLocal: local,
            emailDomain: organization != nil ? "\(Self.asciiLetters(organization!.latin)).org" : random.pick(NamePools.emailDomains),
            hasEmail: random.chance(0.85), organization: organization)
    }

    static func asciiLetters(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic }.map(Character.init))
    }

    /// A mobile number of its own for each identity (up to four million of them): the
    /// index is spread over the number space by multiplying with a number prime to it.
    func nationalMobile(_ index: Int) -> String {
        let spread = (index &* 7919 &+ Int(configuration.seed % 1_000_000)) % 1_000_000
        let block = (index / 1_000_000) % 4
        let six = String(format: "%06d", spread)
        switch association.phoneRegion {
        case "GB": return "7" + ["911", "824", "403", "701"][block] + six
        case "JO": return "7" + ["7", "8", "9", "7"][block] + String(block) + six
        default: return ["3", "70", "71", "81"][block] + six
        }
    }

    var countryCode: String {
        switch association.phoneRegion {
        case "GB": "44"
        case "JO": "962"
        default: "961"
        }
    }

    /// The ways people write one mobile number.
    func writtenPhone(_ digits: String, _ random: inout SeededRandom) -> String {
        let national = "0" + digits
        let spaced: String = {
            var text = ""
            for (offset, character) in national.enumerated() {
                if offset == (digits.count == 7 ? 2 : 3) || offset == national.count - 3 { text += " " }
                text.append(character)
            }
            return text
        }()
        switch Int.random(in: 0..<9, using: &random) {
        case 0: return "+\(countryCode) \(digits)"
        case 1: return spaced
        case 2: return national.prefix(digits.count == 7 ? 2 : 3) + "/" + national.dropFirst(digits.count == 7 ? 2 : 3)
        case 3: return "00\(countryCode)-\(digits)"
        case 4: return InputValues.arabicIndicDigits(spaced)
        case 5: return "(\(national.prefix(digits.count == 7 ? 2 : 3))) \(national.dropFirst(digits.count == 7 ? 2 : 3))"
        case 6: return "+\(countryCode)\(digits)"
        case 7: return "\(countryCode) \(digits)"
        default: return national
        }
    }

    /// How a row relates to the people before it.
    enum RowKind {
        case original
        /// The same person as row `of`, entered again.
        case duplicate(of: Int)
        /// A relative of row `head`'s person, sharing their family name and often a phone.
        case household(head: Int, relationship: RelationshipKind)
    }

    func rowKind(_ index: Int) -> RowKind {
        var random = SeededRandom(seed: configuration.seed, stream: 7, index: UInt64(index))
        if index > 10, random.chance(configuration.duplicateRate) {
            let candidate = identityIndex(Int.random(in: 0..<index, using: &random))
            if baseIdentity(candidate).organization == nil { return .duplicate(of: candidate) }
        } else if index > 0, random.chance(configuration.householdRate) {
            let head = identityIndex(index - Int.random(in: 1...min(index, 50), using: &random))
            if baseIdentity(head).organization == nil, baseIdentity(index).organization == nil {
                return .household(head: head, relationship: random.chance(0.4) ? .spouse : .family)
            }
        }
        return .original
    }

    /// The row whose person this row shows: itself, or the original of a duplicate.
    func identityIndex(_ index: Int) -> Int {
        if case .duplicate(let original) = rowKind(index) { return original }
        return index
    }

    /// The person of row `index` as the household made them (family name, shared phone).
    func identity(_ index: Int) -> Identity {
        var person = baseIdentity(index)
        guard case .household(let head, _) = rowKind(index) else { return person }
        var random = SeededRandom(seed: configuration.seed, stream: 8, index: UInt64(index))
        let headPerson = identity(head)
        person.family = headPerson.family
        // Relatives share the family name, never the given name.
        if person.given.latin[0] == headPerson.given.latin[0] {
            let pool = person.female ? NamePools.femaleGiven : NamePools.maleGiven
            person.given = pool.filter { $0.latin[0] != headPerson.given.latin[0] }[index % (pool.count - 1)]
        }
        if let english = headPerson.english {
            var given = person.english?.given ?? NamePools.englishGiven[index % NamePools.englishGiven.count]
            if given == english.given { given = NamePools.englishGiven.first { $0 != english.given }! }
            person.english = (given, english.family)
        }
        person.place = headPerson.place
        // Households share a landline or the head's mobile, sometimes one email.
        if random.chance(0.7) { person.phoneDigits = headPerson.phoneDigits }
        if random.chance(0.25) {
            person.emailLocal = headPerson.emailLocal
            person.emailDomain = headPerson.emailDomain
            person.hasEmail = headPerson.hasEmail
        }
        return person
    }

    /// The contact at `index`: deterministic, so any slice can be generated on its own.
    public func contact(_ index: Int) -> GeneratedContact {
        var random = SeededRandom(seed: configuration.seed, stream: 4, index: UInt64(index))
        let kind = rowKind(index)
        var duplicateOf: Int?
        var familyOf: Int?
        var relationship: RelationshipKind?
        switch kind {
        case .original: break
        case .duplicate(let original): duplicateOf = original
        case .household(let head, let kind):
            familyOf = head
            relationship = kind
        }
        let person = identity(identityIndex(index))
        let roleInfo = personRoles(identityIndex(index))
        var input = ContactInput()
        let (display, given, family) = render(person, &random, variant: duplicateOf != nil)
        input.displayName = display
        if random.chance(0.5) || duplicateOf != nil {
            input.givenName = given
            input.familyName = family
        }
        if person.organization != nil {
            input.kind = "organization"
            input.givenName = nil
            input.familyName = nil
        }
        if person.hasEmail, !(duplicateOf != nil && random.chance(0.3)) {
            let local = random.chance(0.1) ? person.emailLocal.capitalized : person.emailLocal
            input.emails = ["\(local)@\(person.emailDomain)"]
        }
        if let digits = person.phoneDigits, !(duplicateOf != nil && random.chance(0.2)) {
            input.phones = [writtenPhone(digits, &random)]
        }
        if random.chance(0.004) { input.phones.append(random.pick(["n/a", "لا يوجد", "ask at office", "0"])) }
        let isFunder = person.organization != nil || roleInfo.funder
        var roles = [isFunder ? "funder" : "supporter"]
        if roleInfo.volunteer { roles.append("volunteer") }
        if random.chance(0.15) { roles.append("member") }
        if random.chance(0.05) { roles.append("beneficiary") }
        if random.chance(0.003) { roles.append(random.pick(["board", "staff"])) }
        input.roles = roles
        if random.chance(0.2) {
            input.tags = [random.pick(arabicFirst ? ["متطوع نشط", "مانح منتظم", "طرابلس الشمال", "newsletter"]
                                                   : ["active", "regular-donor", "newsletter", "gift-aid"])]
        }
        input.city = arabicFirst && random.chance(0.7) ? person.place.arabic : person.place.latin
        input.region = person.place.region
        input.country = association.country
        input.language = person.english != nil ? "en" : (random.chance(0.8) ? "ar" : "en")
        input.birthDate = person.organization == nil ? person.birthDate?.description : nil
        // Recorded so the audit's Arabic findings agree, for people whose given name was chosen
        // by gender (the English names are not); it draws nothing from the random stream.
        input.gender = person.organization == nil && person.english == nil ? (person.female ? "female" : "male") : nil
        input.source = random.pick(["facebook", "facebook", "facebook", "website", "event", "referral", "whatsapp", "instagram", "twitter", "other"])
        if roleInfo.pep, person.organization == nil {
            input.isPEP = true
            input.pepNote = random.pick(["Member of parliament", "Sister of a deputy minister", "رئيس بلدية سابق", "Senior party official"])
        }
        input.externalID = externalID(index)
        var controlledBy: Int?
        if person.organization != nil, index > 0, duplicateOf == nil {
            let candidate = identityIndex(index - Int.random(in: 1...min(index, 200), using: &random))
            if personRoles(candidate).funder, identity(candidate).organization == nil { controlledBy = candidate }
        }
        return GeneratedContact(
            index: index, externalID: input.externalID!, input: input, duplicateOf: duplicateOf, familyOf: familyOf,
            relationshipToHead: relationship, controlledBy: controlledBy, isFunder: isFunder,
            consent: consent(&random), suppression: suppression(&random))
    }

    /// Roles belong to the person, so a row entered twice keeps its original's roles.
    func personRoles(_ index: Int) -> (funder: Bool, volunteer: Bool, pep: Bool) {
        var random = SeededRandom(seed: configuration.seed, stream: 5, index: UInt64(index))
        let funder = random.chance(configuration.funderRate)
        return (funder, random.chance(0.12), funder && random.chance(0.05))
    }

    /// The written name: Arabic script, Latin transliteration, or a mix, with the spelling
    /// variation of real lists. A duplicate row takes another spelling or script.
    func render(_ person: Identity, _ random: inout SeededRandom, variant: Bool) -> (String, String, String) {
        if let organization = person.organization {
            let name = arabicFirst ? organization.arabic : organization.latin
            return (name, name, name)
        }
        if let english = person.english {
            return ("\(english.given) \(english.family)", english.given, english.family)
        }
        let style = Double.random(in: 0..<1, using: &random)
        let arabicScript = arabicFirst ? (variant ? style < 0.45 : style < 0.65) : style < 0.1
        if arabicScript {
            var given = random.chance(0.35) ? random.pick(person.given.arabic) : person.given.arabic[0]
            let family = random.chance(0.35) ? random.pick(person.family.arabic) : person.family.arabic[0]
            if random.chance(0.05) { given = Self.decorated(given, &random) }
            return ("\(given) \(family)", given, family)
        }
        let given = random.chance(0.4) ? random.pick(person.given.latin) : person.given.latin[0]
        let family = random.chance(0.4) ? random.pick(person.family.latin) : person.family.latin[0]
        if arabicFirst && random.chance(0.08) {
            // Mixed: the given name in Latin letters, the family name in Arabic.
            return ("\(given) \(person.family.arabic[0])", given, person.family.arabic[0])
        }
        return ("\(given) \(family)", given, family)
    }

    /// Adds the shadda or a tatweel some people type.
    static func decorated(_ name: String, _ random: inout SeededRandom) -> String {
        guard name.count > 2 else { return name }
        let index = name.index(name.startIndex, offsetBy: 2)
        return String(name[..<index]) + (random.chance(0.5) ? "\u{0651}" : "\u{0640}") + String(name[index...])
    }

    func consent(_ random: inout SeededRandom) -> GeneratedConsent? {
        guard random.chance(0.72) else { return nil }
        let day = configuration.referenceDay.adding(days: -Int.random(in: 30...1000, using: &random))
        let recorded = day.startOfDayUTC.addingTimeInterval(Double(Int.random(in: 8...20, using: &random)) * 3600)
        let basis: LegalBasis = random.chance(0.8) ? .consent : (random.chance(0.75) ? .legitimateInterest : .softOptIn)
        let status: ConsentStatus = random.chance(0.05) ? .withdrawn : .granted
        return GeneratedConsent(
            status: status, basis: status == .granted ? basis : nil,
            source: random.pick(["website form", "event sign-up sheet", "Facebook lead form", "phone call", "paper form"]),
            wording: arabicFirst ? "أوافق على تلقي رسائل الجمعية عبر البريد الإلكتروني" : "I agree to receive the association's emails",
            recordedAt: recorded,
            expiresAt: status == .granted && random.chance(0.04) ? recorded.addingTimeInterval(180 * 86_400) : nil)
    }

    func suppression(_ random: inout SeededRandom) -> SuppressionReason? {
        let draw = Double.random(in: 0..<1, using: &random)
        switch draw {
        case ..<0.02: return .unsubscribed
        case ..<0.03: return .bounced
        case ..<0.033: return .complained
        case ..<0.038: return .doNotEmail
        case ..<0.048: return .bulkEmailOptOut
        case ..<0.05: return .deceased
        default: return nil
        }
    }
}

extension InputValues {
    /// ASCII digits written as Arabic-Indic digits (as many phones arrive).
    public static func arabicIndicDigits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (0x30...0x39).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0x30 + 0x0660)! : scalar
        }))
    }
}
