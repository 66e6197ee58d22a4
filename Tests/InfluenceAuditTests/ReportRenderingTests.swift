import Foundation
import PostgresServer
import SanadCore
import SanadTestSupport
import Testing

/// The HTML report opened in a real browser: headless Chromium renders it, screenshots it,
/// and dumps the DOM it built, which must hold both charts and every finding.
@Suite("Influence audit report renders in headless Chromium", .timeLimit(.minutes(3)))
struct ReportRenderingTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func render(_ html: String, in folder: String) throws -> (dom: String, screenshot: Data) {
        let browser = try #require(Self.chromium, "headless Chromium is needed: scripts/setup --for-tests installs it")
        let page = folder + "/report.html", shot = folder + "/report.png"
        try Data(html.utf8).write(to: URL(fileURLWithPath: page))
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(folder)/profile",
                     "--window-size=1100,1800"]
        let screenshot = try ProcessRunner.start(browser, flags + ["--screenshot=\(shot)", "file://\(page)"], separateErrors: true).wait()
        #expect(screenshot.status == 0, "\(screenshot.errorOutput)")
        let dom = try ProcessRunner.start(browser, flags + ["--dump-dom", "file://\(page)"], separateErrors: true).wait()
        #expect(dom.status == 0, "\(dom.errorOutput)")
        return (dom.output, try Data(contentsOf: URL(fileURLWithPath: shot)))
    }

    func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("English and Arabic reports: charts, findings, layout direction", arguments: ["en", "ar"])
    func renders(language: String) throws {
        let scenario = try AuditScenario("audit-report-\(language)", language: language)
        try scenario.background(12, amount: 1000)
        let funder = try scenario.contact(language == "ar" ? "مؤسسة النور <script>alert(1)</script>" : "Light Foundation <script>alert(1)</script>",
                                          ["--kind", "organization"])
        try scenario.give(funder, 9000, daysAgo: 12, ["--conditions", language == "ar" ? "بشرط عضوية المجلس" : "in exchange for a board seat"])
        try scenario.run()
        let findings = try scenario.findings()
        #expect(findings.count >= 3)
        let folder = NSTemporaryDirectory() + "sanad-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try scenario.sanad.succeed(["audit", "report", "--format", "html", "--out", folder + "/written.html"])
        let html = try String(contentsOfFile: folder + "/written.html", encoding: .utf8)
        for fetch in ["src=", "href=\"http", "@import", "url(", "<link"] {
            #expect(!html.contains(fetch), "no resource is fetched from elsewhere (\(fetch))")
        }
        #expect(!html.contains("<script>alert"), "names are escaped")

        let (dom, screenshot) = try render(html, in: folder)
        #expect(screenshot.count > 20_000, "a screenshot with content, not a blank page")
        #expect(screenshot.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(dom.contains("id=\"share-chart\""))
        #expect(dom.contains("id=\"lorenz-curve\""))
        #expect(occurrences(of: "<rect class=\"bar", in: dom) == 13, "12 background donors and the foundation")
        #expect(dom.contains("<polyline class=\"lorenz\""))
        #expect(occurrences(of: "<article class=\"finding", in: dom) == findings.count)
        for finding in findings {
            #expect(dom.contains("id=\"finding-\(finding["id"] as! Int)\""))
        }
        if language == "ar" {
            #expect(dom.contains("dir=\"rtl\"") && dom.contains("lang=\"ar\""))
            #expect(dom.contains("تركّز التمويل"))
        } else {
            #expect(dom.contains("dir=\"ltr\""))
            #expect(dom.contains("Funding concentration"))
        }
        let json = try scenario.sanad.succeed(["audit", "report", "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect((parsed["findings"] as? [Any])?.count == findings.count)
        #expect(((parsed["run"] as? [String: Any])?["lorenz"] as? [Any])?.isEmpty == false)
    }

    /// Marks the document when a script runs: what an attacker's script would do, visible in
    /// the DOM Chromium dumps.
    static let injected = """
        <script>document.documentElement.setAttribute('data-ran-script', 'yes')</script>\
        <img src="x" onerror="document.documentElement.setAttribute('data-ran-handler', 'yes')">
        """

    @Test("a hostile funder name runs no script in Chromium, and the page's policy stops injected script even if escaping failed")
    func hostileNameRunsNothing() throws {
        let scenario = try AuditScenario("audit-report-hostile", language: "ar")
        try scenario.background(3, amount: 1000)
        let name = "\u{0600}<img src=x onerror=\"document.documentElement.setAttribute('data-ran-name','yes')\">\u{0600}\"'<script>x</script>"
        let funder = try scenario.contact(name, ["--kind", "organization"])
        try scenario.give(funder, 9000, daysAgo: 12, ["--conditions", "بشرط عضوية المجلس \u{0600}<b onclick=x>"])
        try scenario.run()
        let folder = try ScratchFolder("report-hostile")
        try scenario.sanad.succeed(["audit", "report", "--format", "html", "--out", folder.path + "/written.html"])
        let html = try String(contentsOfFile: folder.path + "/written.html", encoding: .utf8)
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\""))

        let (dom, _) = try render(html, in: folder.path)
        #expect(!dom.contains("data-ran-name=\"yes\""), "no handler ran")
        #expect(!dom.contains("<img"), "the name stayed text")
        #expect(dom.contains("&lt;img src=x onerror="), "and is shown as written")

        // An escaping bug simulated: markup pasted into the page raw, after the policy.
        let injected = html.replacingOccurrences(of: "<body>", with: "<body>" + Self.injected)
        #expect(injected != html)
        let (blocked, _) = try render(injected, in: folder.path)
        #expect(blocked.contains("<script>document.documentElement"), "the script is in the page")
        #expect(!blocked.contains("data-ran-script=\"yes\"") && !blocked.contains("data-ran-handler=\"yes\""), "the policy stopped it")

        // The same page without the policy runs both: the check above can fail.
        let unprotected = injected.replacingOccurrences(of: HTMLText.contentSecurityPolicyMeta, with: "")
        let (ran, _) = try render(unprotected, in: folder.path)
        #expect(ran.contains("data-ran-script=\"yes\"") && ran.contains("data-ran-handler=\"yes\""))
    }
}
