@testable import SanadCore
import Testing

@Suite("How names sound across scripts")
struct NameSoundsTests {
    @Test("the same name in both scripts sounds alike; look-alike names with other vowels do not")
    func alike() {
        func similarity(_ a: String, _ b: String) -> Double { NameSounds.similarity(query: a, name: b) }
        #expect(NameSounds.key("ليلى") == NameSounds.key("Layla") && NameSounds.key("Leila") == NameSounds.key("Laila"))
        #expect(NameSounds.key("نور") == NameSounds.key("Nour"))
        #expect(NameSounds.key("عواد") == NameSounds.key("Awad"))
        #expect(NameSounds.key("الأيوبي") == NameSounds.key("Ayoubi"))
        #expect(similarity("Husseini", "حسيني") > similarity("Husseini", "حسن"))
        #expect(similarity("Hussein", "حسين") > similarity("Hussein", "Hassan"))
        #expect(similarity("Haddad", "حداد") > similarity("Haddad", "هدى"))
        #expect(similarity("Mona", "منى") > similarity("Mona", "آمنة"))
        #expect(similarity("Youssef", "يوسف") > 0.85)
        #expect(similarity("Fatima", "فاطمة") > 0.85 && similarity("Fatmeh", "فاطمة") > 0.8)
    }
}
