internal import ArgumentParser
internal import Foundation
internal import SanadCore
internal import SanadCommandKit

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Add, find, change and relate the association's contacts.",
        discussion: """
            Examples:
              sanad contact add "فاطمة الزهراء" --email fatima@example.org --phone "03 123 456" --role supporter --source facebook
              sanad contact search "Mohammed"
              sanad contact show 42
            """,
        subcommands: [Add.self, Show.self, List.self, Search.self, Update.self, Delete.self, Tag.self, BulkCommand.self, Relate.self, Import.self, Duplicates.self, Merge.self, Unmerge.self, Erase.self]
    )
}

/// Options describing a contact's own fields, shared by `add` and `update`.
struct ContactFieldOptions: ParsableArguments {
    @Option(help: "Given name.") var givenName: String?
    @Option(help: "Family name.") var familyName: String?
    @Option(help: "person or organization.") var kind: String?
    @Option(help: "Street and number.") var street: String?
    @Option(help: "City or town.") var city: String?
    @Option(help: "Region, governorate or state.") var region: String?
    @Option(help: "Postal code.") var postalCode: String?
    @Option(help: "ISO 3166 country code (LB, JO, GB, ...).") var country: String?
    @Option(help: "Preferred language, ISO 639 (ar, en, fr, ...).") var language: String?
    @Option(help: "Birth date, YYYY-MM-DD.") var birthDate: String?
    @Option(help: "female or male (أنثى, ذكر), for a person: Arabic text about them then agrees.") var gender: String?
    @Option(help: "How the contact reached the association: facebook, twitter, instagram, whatsapp, website, event, referral, import, other.")
    var source: String?
    @Flag(inversion: .prefixedNo, help: "Politically exposed person (or not).") var pep: Bool?
    @Option(help: "Why the contact is a politically exposed person.") var pepNote: String?
    @Option(help: "The contact's id in another system (unique in the association).") var externalID: String?
    @Flag(help: "Remove invisible direction-control characters from names instead of refusing them.")
    var stripDirectionControls = false

    /// Writes the given options into `input`; options not given leave fields unchanged.
    func apply(to input: inout ContactInput) {
        if let givenName { input.givenName = givenName }
        if let familyName { input.familyName = familyName }
        if let kind { input.kind = kind }
        if let street { input.street = street }
        if let city { input.city = city }
        if let region { input.region = region }
        if let postalCode { input.postalCode = postalCode }
        if let country { input.country = country }
        if let language { input.language = language }
        if let birthDate { input.birthDate = birthDate }
        if let gender { input.gender = gender }
        if let source { input.source = source }
        if let pep { input.isPEP = pep }
        if let pepNote { input.pepNote = pepNote }
        if let externalID { input.externalID = externalID }
        input.stripDirectionControls = stripDirectionControls
    }
}

/// Under a page of a listing, on standard error: how many there are in all, and how to see
/// more. Nothing when the page holds everything.
func pageNote(shown: Int, offset: Int, total: Int, noun: String) {
    guard shown < total else { return }
    Console.note(shown == 0 ? "none past --offset \(offset): there are \(total) \(noun)"
                            : "\(offset + 1)–\(offset + shown) of \(total) \(noun); see more with --limit or --offset")
}

/// Prints warnings (kept data worth a look) on standard error.
func warn(_ messages: [String]) {
    for message in messages {
        Console.note("warning: \(message)")
    }
}

extension ContactCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a contact.",
            discussion: """
                Examples:
                  sanad contact add "محمد الأحمد" --phone "٠٣ ١٢٣ ٤٥٦" --role volunteer --city طرابلس
                  sanad contact add "Green Future Foundation" --kind organization --role funder --email grants@greenfuture.org
                """)

        @Argument(help: "The name as it should be shown (default: given and family names).") var name: String?
        @Option(help: "An email address (repeat for more; the first is primary).") var email: [String] = []
        @Option(help: "A phone number as written (repeat for more).") var phone: [String] = []
        @Option(help: "A role: supporter, funder, volunteer, member, beneficiary, board, staff (repeat for more).") var role: [String] = []
        @Option(help: "A tag (repeat for more).") var tag: [String] = []
        @OptionGroup var fields: ContactFieldOptions
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            var input = ContactInput()
            input.displayName = name
            input.emails = email
            input.phones = phone
            input.roles = role
            input.tags = tag
            input.source = "other"
            fields.apply(to: &input)
            if name == nil && fields.givenName == nil && fields.familyName == nil {
                throw SanadError.usage("a contact needs a name", hint: "give it as the first argument, or --given-name/--family-name")
            }
            let work = try CommandContext.work(global, format)
            let (details, warnings) = try work.change { transaction in
                let draft = try input.validated(for: transaction.association)
                let store = ContactStore(transaction)
                let id = try store.create(draft)
                return (try store.details(id), draft.warnings)
            }
            warn(warnings)
            work.writer.print(details)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show everything about a contact: details, roles, relationships, consent, activity.",
            discussion: "Example:\n  sanad contact show 42 --format json")

        @Argument(help: "The contact's id.") var id: Int64
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { try ContactStore($0).details(id) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List contacts, newest first, optionally filtered.",
            discussion: "Examples:\n  sanad contact list --role volunteer --city Tripoli\n  sanad contact list --tag donors-2026 --format csv")

        @Option(help: "Only contacts with this role.") var role: String?
        @Option(help: "Only contacts with this tag.") var tag: String?
        @Option(help: "Only members of this static group.") var group: String?
        @Option(help: "Only contacts in this city (any spelling of the same letters).") var city: String?
        @Option(help: "Only contacts from this source channel.") var source: String?
        @Option(help: "Only persons or only organizations.") var kind: String?
        @Flag(help: "Include soft-deleted contacts.") var includeDeleted = false
        @Option(help: "At most this many contacts.") var limit = 50
        @Option(help: "Skip this many contacts first.") var offset = 0
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func validate() throws {
            guard (1...100_000).contains(limit), offset >= 0 else {
                throw ValidationError("--limit takes 1 to 100000 and --offset 0 or more")
            }
        }

        func run() throws {
            var filter = ContactFilter()
            filter.role = try role.map(ContactRole.parse)
            filter.tag = tag
            filter.group = group
            filter.city = city
            filter.source = try source.map(SourceChannel.parse)
            filter.kind = try kind.map(ContactKind.parse)
            filter.includeDeleted = includeDeleted
            let work = try CommandContext.work(global, format)
            let (contacts, total) = try work.read { transaction in
                let store = ContactStore(transaction)
                return (try store.list(filter, limit: limit, offset: offset), try store.count(filter))
            }
            work.writer.print(contacts)
            pageNote(shown: contacts.count, offset: offset, total: total, noun: "contacts")
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find contacts by name (any spelling, Arabic or Latin), email, phone, tag or role.",
            discussion: """
                Names match across scripts and spellings: "Mohammed" finds محمد and Muhammad.
                Phones match however they are written: "+961 3 123 456", "03/123456", "٠٣١٢٣٤٥٦".

                Examples:
                  sanad contact search "فاطمه"
                  sanad contact search "+961 3 123 456"
                  sanad contact search donors-2026 --by tag
                """)

        @Argument(help: "What to look for.") var query: String
        @Option(help: "Look only at: auto, name, email, phone, tag, role.") var by: SearchField = .auto
        @Option(help: "At most this many results.") var limit = 20
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) {
                try ContactStore($0).search(query, by: by, limit: limit)
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a contact's fields, emails, phones and roles.",
            discussion: """
                Examples:
                  sanad contact update 42 --city Beirut --add-email new@example.org --primary-email new@example.org
                  sanad contact update 42 --add-role funder --role-since 2026-01-01 --clear birth-date
                """)

        @Argument(help: "The contact's id.") var id: Int64
        @Option(help: "New display name.") var name: String?
        @OptionGroup var fields: ContactFieldOptions
        @Option(help: "Empty a field: given-name, family-name, street, city, region, postal-code, country, language, birth-date, pep-note, external-id.")
        var clear: [String] = []
        @Option(help: "Add an email address.") var addEmail: [String] = []
        @Option(help: "Remove an email address.") var removeEmail: [String] = []
        @Option(help: "Make this (existing) address the primary one.") var primaryEmail: String?
        @Option(help: "Add a phone number.") var addPhone: [String] = []
        @Option(help: "Remove a phone number.") var removePhone: [String] = []
        @Option(help: "Add a role (or change the dates of one held).") var addRole: [String] = []
        @Option(help: "Remove a role.") var removeRole: [String] = []
        @Option(help: "Start date for --add-role, YYYY-MM-DD.") var roleSince: String?
        @Option(help: "End date for --add-role, YYYY-MM-DD.") var roleUntil: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        static let clearable = ["given-name", "family-name", "street", "city", "region", "postal-code", "country", "language",
                                "birth-date", "gender", "pep-note", "external-id"]

        func run() throws {
            for field in clear where !Self.clearable.contains(field) {
                throw SanadError.usage("--clear cannot empty \"\(field)\"", hint: "clearable fields: \(Self.clearable.joined(separator: ", "))")
            }
            let work = try CommandContext.work(global, format)
            let (details, warnings) = try work.change { transaction in
                let store = ContactStore(transaction)
                let association = transaction.association
                var warnings = try store.updateFields(id) { input in
                    if let name { input.displayName = name }
                    fields.apply(to: &input)
                    for field in clear {
                        switch field {
                        case "given-name": input.givenName = nil
                        case "family-name": input.familyName = nil
                        case "street": input.street = nil
                        case "city": input.city = nil
                        case "region": input.region = nil
                        case "postal-code": input.postalCode = nil
                        case "country": input.country = nil
                        case "language": input.language = nil
                        case "birth-date": input.birthDate = nil
                        case "gender": input.gender = nil
                        case "pep-note": input.pepNote = nil
                        default: input.externalID = nil
                        }
                    }
                }
                try store.addEmails(try addEmail.map { try EmailAddress.validated($0) }, to: id)
                for text in removeEmail { try store.removeEmail(try EmailAddress.validated(text), from: id) }
                if let primaryEmail { try store.setPrimaryEmail(try EmailAddress.validated(primaryEmail), of: id) }
                let phones = try addPhone.map { try PhoneEntry.make($0, region: association.phoneRegion) }
                warnings += phones.compactMap(\.warning)
                try store.addPhones(phones, to: id)
                for text in removePhone { try store.removePhone(try PhoneEntry.make(text, region: association.phoneRegion), from: id) }
                let since = try roleSince.map { try InputValues.day($0, field: "role start") }
                let until = try roleUntil.map { try InputValues.day($0, field: "role end") }
                try store.addRoles(try addRole.map { RoleAssignment(role: try ContactRole.parse($0), since: since, until: until) }, to: id)
                for role in removeRole { try store.removeRole(try ContactRole.parse(role), from: id) }
                return (try store.details(id), warnings)
            }
            warn(warnings)
            work.writer.print(details)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a contact softly (kept with its history, hidden from lists and exports), or restore it.",
            discussion: "Examples:\n  sanad contact delete 42\n  sanad contact delete 42 --restore")

        @Argument(help: "The contact's id.") var id: Int64
        @Flag(help: "Bring a deleted contact back.") var restore = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in
                let store = ContactStore(transaction)
                if restore { try store.restore(id) } else { try store.delete(id) }
            }
            Console.say(restore ? "Contact #\(id) restored." : "Contact #\(id) deleted (restore it with: sanad contact delete \(id) --restore).")
        }
    }

    struct Tag: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tag a contact (or remove tags).",
            discussion: "Examples:\n  sanad contact tag 42 donors-2026 \"حملة الشتاء\"\n  sanad contact tag 42 donors-2026 --remove")

        @Argument(help: "The contact's id.") var id: Int64
        @Argument(help: "Tags to add or remove.") var tags: [String]
        @Flag(help: "Remove the tags instead.") var remove = false
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard !tags.isEmpty else { throw ValidationError("give at least one tag") }
            // `contact tag 1 3 4 9 x` means four contacts more often than tags named 3, 4 and 9.
            let numbers = tags.filter { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            if !numbers.isEmpty {
                let words = tags.filter { !numbers.contains($0) }
                throw ValidationError("""
                    \(numbers.joined(separator: ", ")) \(numbers.count == 1 ? "is a number" : "are numbers"), not \(numbers.count == 1 ? "a tag" : "tags"); \
                    to tag contacts \(([String(id)] + numbers).joined(separator: ", ")) run: sanad contact bulk tag \(words.isEmpty ? "TAG" : words.map(CommandHints.argument).joined(separator: " ")) --ids \(([String(id)] + numbers).joined(separator: ",")) \
                    (a tag that is a number needs a word with it, such as donors-2026)
                    """)
            }
        }

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in
                let store = ContactStore(transaction)
                try store.requireContact(id)
                let cleaned = try tags.map { try TextRules.cleanedName($0, field: "tag", maxLength: 100) }
                if remove { try store.removeTags(cleaned, from: id) } else { try store.addTags(cleaned, to: id) }
            }
            Console.say(remove ? "Removed \(tags.count) tag(s) from contact #\(id)." : "Tagged contact #\(id) with \(tags.joined(separator: ", ")).")
        }
    }

    struct Relate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record how two contacts are related (the influence audit groups funders through these).",
            discussion: """
                KIND reads from the first contact to the second:
                  spouse, family, close-associate   mutual
                  employer                          OTHER employs ID
                  controls                          ID controls the organization OTHER
                  board-member                      ID sits on OTHER's board

                Examples:
                  sanad contact relate 12 spouse 13
                  sanad contact relate 12 controls 40 --since 2019-01-01
                """)

        @Argument(help: "The contact's id.") var id: Int64
        @Argument(help: "spouse, family, close-associate, employer, controls or board-member.") var kind: String
        @Argument(help: "The other contact's id.") var other: Int64
        @Option(help: "Since when, YYYY-MM-DD.") var since: String?
        @Option(help: "Until when, YYYY-MM-DD.") var until: String?
        @Option(help: "A note on the relationship.") var note: String?
        @Flag(help: "Remove the relationship instead.") var remove = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let relationship = try RelationshipKind.parse(kind)
            let work = try CommandContext.work(global)
            try work.change { transaction in
                let store = ContactStore(transaction)
                if remove {
                    try store.unrelate(id, relationship, other)
                } else {
                    try store.relate(id, relationship, other,
                                     since: try since.map { try InputValues.day($0, field: "since") },
                                     until: try until.map { try InputValues.day($0, field: "until") },
                                     note: try TextRules.cleanedText(note, field: "note"))
                }
            }
            Console.say(remove ? "Removed: #\(id) \(relationship.phrase) #\(other)." : "Recorded: #\(id) \(relationship.phrase) #\(other).")
        }
    }
}
