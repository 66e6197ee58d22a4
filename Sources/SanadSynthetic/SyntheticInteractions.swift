public import SanadCore
internal import Foundation
internal import Postgres

extension SyntheticAssociation {
    /// The interactions of the contact at `index`, oldest first.
    public func interactions(of contact: GeneratedContact) -> [GeneratedInteraction] {
        var random = SeededRandom(seed: configuration.seed, stream: 6, index: UInt64(contact.index))
        let mean = configuration.interactionsPerContact
        // Activity is uneven: most people do little, a few do a lot.
        let count = Int((-log(max(1e-9, Double.random(in: 0..<1, using: &random))) * mean).rounded())
        let campaignSlugs = campaigns.map(\.slug)
        let eventCount = events.count
        let isVolunteer = contact.input.roles.contains("volunteer")
        var result: [GeneratedInteraction] = []
        for number in 0..<count {
            let day = configuration.referenceDay.adding(days: -Int.random(in: 1...1095, using: &random))
            let at = day.startOfDayUTC.addingTimeInterval(Double(Int.random(in: 28_800...75_600, using: &random)))
            let roll = Double.random(in: 0..<1, using: &random)
            let type: InteractionType = switch roll {
            case ..<0.32: .donation
            case ..<0.33: .pledge
            case ..<0.48: .campaignAction
            case ..<0.58: .eventAttendance
            case ..<0.72: .socialEngagement
            case ..<0.81: .message
            case ..<0.89: isVolunteer ? .volunteerShift : .socialEngagement
            case ..<0.94: .note
            case ..<0.98: .call
            default: .meeting
            }
            var draft = InteractionDraft(type: type, occurredAt: at, channel: nil, campaignSlug: nil, eventID: nil, notes: nil,
                                         amount: nil, currency: nil, isRestricted: nil, conditions: nil, isAnonymous: nil, hours: nil)
            var eventIndex: Int?
            switch type {
            case .donation, .pledge:
                let amount = contact.isFunder ? Int.random(in: 10...1000, using: &random) * 100 : Int.random(in: 2...60, using: &random) * 5
                draft.amount = Decimal(amount)
                draft.currency = currency
                draft.isAnonymous = random.chance(0.03)
                let conditional = random.chance(contact.isFunder ? 0.3 : 0.02)
                if conditional {
                    // Most funders only restrict the purpose; one conditional gift in ten tries to steer.
                    let steering = contact.isFunder && random.chance(0.1)
                    let condition = steering ? random.pick(NamePools.conditions.filter { $0.category != "purpose" })
                                             : NamePools.conditions[random.pick([0, 1, 2, 3])]
                    draft.conditions = condition.text
                    draft.isRestricted = true
                } else {
                    draft.isRestricted = false
                }
                if random.chance(0.5) { draft.campaignSlug = random.pick(campaignSlugs) }
            case .campaignAction:
                draft.campaignSlug = random.pick(campaignSlugs)
                draft.channel = random.pick(["facebook", "twitter", "whatsapp", "website"])
            case .eventAttendance, .volunteerShift:
                eventIndex = Int.random(in: 4..<max(5, eventCount), using: &random) % eventCount
                if type == .volunteerShift { draft.hours = Decimal(Int.random(in: 2...16, using: &random)) / 2 }
            case .socialEngagement:
                draft.channel = random.pick(["facebook", "instagram", "twitter"])
            case .message, .call, .meeting:
                draft.channel = random.pick(["whatsapp", "phone", "email", "in person"])
                if contact.isFunder, random.chance(0.05) {
                    draft.notes = random.pick(["Asked for the list of our supporters", "طلب الاطلاع على قائمة المتطوعين",
                                               "Wants a say in the choice of the new director", "Discussed next year's grant"])
                }
            case .note:
                draft.notes = random.pick(["Prefers calls in the evening", "يفضل التواصل عبر واتساب", "Moved to another city"])
            }
            result.append(GeneratedInteraction(draft: draft, eventIndex: eventIndex, importKey: "\(contact.externalID)-\(number)"))
        }
        return result
    }
}
