import Foundation
@testable import SanadCore
import Testing

/// Arabic Excel sheets say متطوعة, تبرع and لا يوجد; Sanad reads them as the words they are.
@Suite("Arabic and other words for Sanad's vocabularies; empty markers in cells")
struct ArabicValuesTests {
    @Test("roles, kinds, sources, interaction types and consent in Arabic, in both genders, with or without marks")
    func arabicWords() {
        #expect(ContactRole.lookup("متطوعة") == .volunteer)
        #expect(ContactRole.lookup("متطوع") == .volunteer)
        #expect(ContactRole.lookup("مؤيدة") == .supporter)
        #expect(ContactRole.lookup("مويده") == .supporter, "hamza seat and taa marbuta as people type them")
        #expect(ContactRole.lookup("عضوة") == .member)
        #expect(ContactRole.lookup("ممول") == .funder)
        #expect(ContactRole.lookup("donor") == .funder)
        #expect(ContactRole.lookup("عضو مجلس الإدارة") == .board)
        #expect(ContactKind.lookup("مؤسسة") == .organization)
        #expect(ContactKind.lookup("فرد") == .person)
        #expect(SourceChannel.lookup("فيسبوك") == .facebook)
        #expect(SourceChannel.lookup("واتساب") == .whatsapp)
        #expect(InteractionType.lookup("تبرّع") == .donation)
        #expect(InteractionType.lookup("تعهد") == .pledge)
        #expect(InteractionType.lookup("حضور") == .eventAttendance)
        #expect(InteractionType.lookup("نوبة تطوع") == .volunteerShift)
        #expect(ConsentStatus.lookup("موافقة") == .granted)
        #expect(ConsentChannel.lookup("البريد الإلكتروني") == .email)
        #expect(InteractionType.lookup("gift") == nil, "English stays the canonical words; no loose synonyms")
        #expect(ContactRole.lookup("سائق") == nil)
    }

    @Test("cells that say nothing are empty; real values are not")
    func emptyMarkers() {
        for cell in ["-", "—", "N/A", "n/a", "none", "None", "لا يوجد", "لايوجد", "غير متوفرة", "لا شيء"] {
            #expect(ImportVocabulary.meansNothing(cell), "\(cell)")
        }
        for cell in ["0", "Nadia", "نور", "لا", "-5", "N/A street 4"] {
            #expect(!ImportVocabulary.meansNothing(cell), "\(cell)")
        }
    }

    @Test("yes and no in English and Arabic")
    func flags() throws {
        for yes in ["yes", "Y", "نعم", "صح", "✓", "1", "اجل", "أجل"] { #expect(try ImportVocabulary.flag(yes, field: "pep") == true, "\(yes)") }
        for no in ["no", "N", "لا", "كلا", "خطأ", "0"] { #expect(try ImportVocabulary.flag(no, field: "pep") == false, "\(no)") }
        #expect(throws: SanadError.self) { try ImportVocabulary.flag("ربما", field: "pep") }
    }
}

@Suite("Direction marks in pasted names")
struct DirectionMarkTests {
    static let tripoli = Association(id: 1, slug: "tripoli", name: "جمعية طرابلس", country: "LB", phoneRegion: "LB", baseCurrency: "LBP",
                                     timeZone: "Asia/Beirut", language: "ar", createdAt: .distantPast)

    @Test("marks are dropped from a name with a notice; overrides and isolates are still refused")
    func marks() throws {
        var input = ContactInput()
        input.displayName = "\u{200F}ليلى حداد\u{200E}"
        input.givenName = "\u{061C}ليلى"
        let draft = try input.validated(for: Self.tripoli)
        #expect(draft.displayName == "ليلى حداد")
        #expect(draft.givenName == "ليلى")
        #expect(draft.warnings.contains { $0.contains("name: invisible direction marks") })
        for control in ["\u{202E}", "\u{2066}"] {
            input.displayName = "Bank\(control)moc"
            #expect(throws: SanadError.self) { try input.validated(for: Self.tripoli) }
        }
    }
}

@Suite("Every problem of a contact at once")
struct AllProblemsTests {
    @Test("a contact with a bad email, a bad birth date and an unknown role is refused once, naming all three")
    func allProblems() throws {
        var input = ContactInput()
        input.displayName = "ليلى حداد"
        input.emails = ["not-an-email"]
        input.birthDate = "1990-02-30"
        input.roles = ["سائق"]
        let error = #expect(throws: SanadError.self) { try input.validated(for: DirectionMarkTests.tripoli) }
        #expect(error?.field == "email, role, birth_date", "\(error?.field ?? "")")
        for part in ["email", "birth date", "role"] { #expect(error?.message.contains(part) == true, "\(error?.message ?? "")") }
        input.emails = []
        input.roles = []
        let one = #expect(throws: SanadError.self) { try input.validated(for: DirectionMarkTests.tripoli) }
        #expect(one?.field == "birth_date", "one problem is told as itself")
    }
}
