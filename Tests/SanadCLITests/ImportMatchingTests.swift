import Foundation
import Postgres
import SanadTestSupport
import Testing

/// Imports never fold two people into one: a shared landline, a couple's email or a
/// father's mobile on a sign-up sheet matches only when the names agree.
@Suite("Imports match by email or phone only when the names agree", .timeLimit(.minutes(3)))
struct ImportMatchingTests {
    let sanad: InProcessSanad
    let connection: Connection
    let folder: ScratchFolder

    init() throws {
        let database = try TestDatabase.fresh("import-matching")
        sanad = InProcessSanad(database: database, extra: ["SANAD_ASSOCIATION": "tripoli"])
        connection = try TestDatabase.connect(database)
        folder = try ScratchFolder("import-matching")
        try sanad.succeed(["association", "add", "tripoli", "--name", "جمعية طرابلس", "--country", "LB"])
        try sanad.succeed(["contact", "add", "محمد الحسن", "--phone", "06 412 345", "--email", "family.hassan@example.org"])
        try sanad.succeed(["contact", "add", "Rania Khoury", "--email", "khoury.home@example.org", "--external-id", "CRM-7"])
    }

    func importFile(_ name: String, _ text: String, _ extra: [String] = []) throws -> (status: Int32, report: [String: Any], stderr: String) {
        let path = folder.path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try sanad.run(["contact", "import", path, "--format", "json"] + extra)
        return (result.status, try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:], result.stderr)
    }

    func names() throws -> [String] {
        try connection.query("SELECT display_name FROM contacts ORDER BY id").map { try $0.decode(String.self, at: 0) }
    }

    static let signUps = """
        name,email,phone,external_id
        Mohammed Al-Hassan,,06 412 345,
        فاطمة الحسن,family.hassan@example.org,,
        Karim Khoury,khoury.home@example.org,,
        Rania Khoury,,,CRM-7
        Omar Haddad,,03 555 666,
        Layla Haddad,,03 555 666,
        Omar Haddad,omar.h@example.org,03 555 666,
        R. Khoury,khoury.home@example.org,,CRM-9

        """

    @Test("relatives sharing a phone or an email become contacts of their own, set aside as possible duplicates")
    func relativesStayApart() throws {
        let (status, report, stderr) = try importFile("signups.csv", Self.signUps)
        #expect(status == 0, "\(stderr)")
        // محمد الحسن is Mohammed Al-Hassan (same phone, names agree across scripts); his wife
        // shares the family email under another given name; Karim shares Rania's email.
        let matched = (report["matched"] as? [[String: Any]] ?? []).map { "\($0["line"]!):\($0["by"]!)" }
        #expect(matched == ["2:phone", "5:external_id", "8:in_file"], "\(report)")
        let setAside = (report["set_aside"] as? [[String: Any]] ?? []).map { "\($0["line"]!):\($0["shares"]!)" }
        #expect(setAside == ["3:email", "4:email", "7:phone", "9:email"], "another external id sharing an email: \(report)")
        #expect(report["inserted"] as? Int == 5, "Fatima, Karim, Omar, Layla and R. Khoury (another id)")
        #expect(try names().contains("فاطمة الحسن") && names().contains("Layla Haddad") && names().contains("Karim Khoury"))
        let duplicates = try sanad.json(["contact", "duplicates"]) as! [[String: Any]]
        let reasons = duplicates.flatMap { $0["reasons"] as? [String] ?? [] }
        #expect(reasons.contains("shares the email at import; names differ"), "\(duplicates)")
        #expect(reasons.contains("shares the phone at import; names differ"))

        let again = try importFile("signups.csv", Self.signUps)
        #expect(again.report["inserted"] as? Int == 0, "importing the same file twice changes nothing: \(again.report)")
        #expect(try names().count == 7)
    }

    @Test("a dry run lists the same matches and writes nothing")
    func dryRun() throws {
        let before = try names()
        let (_, report, _) = try importFile("signups.csv", Self.signUps, ["--dry-run"])
        #expect((report["matched"] as? [[String: Any]])?.count == 3)
        #expect((report["set_aside"] as? [[String: Any]])?.count == 4)
        #expect(try names() == before)
    }

    @Test("the table report names the rows that matched and those set aside")
    func tableReport() throws {
        let path = folder.path + "/signups.csv"
        try Data(Self.signUps.utf8).write(to: URL(fileURLWithPath: path))
        let result = try sanad.run(["contact", "import", path])
        #expect(result.stdout.contains("Matched to contacts already here"))
        #expect(result.stdout.contains("possible duplicates to look at"))
    }
}
