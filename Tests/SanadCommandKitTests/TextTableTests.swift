import SanadCommandKit
import Testing

@Suite("Text tables")
struct TextTableTests {
    @Test("table cells align Arabic, combining marks and wide characters")
    func displayWidths() {
        #expect(TextTable.displayWidth("محمد") == 4)
        #expect(TextTable.displayWidth("مُحَمَّد") == 4)
        #expect(TextTable.displayWidth("日本") == 4)
        #expect(TextTable.displayWidth("e\u{301}") == 1)
        let table = TextTable.render(header: ["name", "x"], rows: [["مُحَمَّد", "1"], ["Jo", "2"]], isolateRightToLeft: false)
        let lines = table.split(separator: "\n")
        #expect(lines.map { TextTable.displayWidth(String($0)) }.allSatisfy { $0 == TextTable.displayWidth(String(lines[0])) })
    }
}
