import Foundation
import SanadCore
import SanadTestSupport
import Testing

/// `sanad association add SLUG --name N --country LB` is enough: the rest follows from the
/// country where there is one obvious answer.
@Suite("A new association's currency, language and time zone follow from its country")
struct AssociationDefaultsTests {
    @Test("countries with one obvious answer", arguments: [
        ("LB", "LBP", "ar", "Asia/Beirut"), ("JO", "JOD", "ar", "Asia/Amman"), ("SY", "SYP", "ar", "Asia/Damascus"),
        ("IQ", "IQD", "ar", "Asia/Baghdad"), ("EG", "EGP", "ar", "Africa/Cairo"), ("GB", "GBP", "en", "Europe/London"),
        ("FR", "EUR", "fr", "Europe/Paris"), ("TN", "TND", "ar", "Africa/Tunis"),
    ])
    func obvious(country: String, currency: String, language: String, zone: String) {
        let defaults = CountryDefaults.of(country)
        #expect(defaults.currency == currency)
        #expect(defaults.language == language)
        #expect(defaults.timeZone == zone, "\(defaults.timeZones)")
    }

    @Test("countries without one: several zones, or several currencies in daily use")
    func ambiguous() {
        #expect(CountryDefaults.of("US").timeZone == nil && CountryDefaults.of("US").timeZones.count > 5)
        #expect(CountryDefaults.of("US").timeZones.contains("America/New_York"))
        #expect(CountryDefaults.of("PS").currency == nil, "shekels, dinars and dollars")
    }

    @Test("the command derives what it can, says so, and asks for what it cannot")
    func command() throws {
        let sanad = InProcessSanad(database: try TestDatabase.fresh("association-defaults"))
        let created = try sanad.run(["association", "add", "tripoli", "--name", "جمعية طرابلس", "--country", "LB", "--format", "json"])
        #expect(created.status == 0, "\(created.stderr)")
        let record = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as! [String: Any]
        #expect(record["currency"] as? String == "LBP" && record["language"] as? String == "ar" && record["time_zone"] as? String == "Asia/Beirut")
        #expect(created.stderr.contains("from the country LB: currency LBP, language ar, time zone Asia/Beirut"))

        let unclear = try sanad.run(["association", "add", "boston", "--name", "Boston Aid", "--country", "US"])
        #expect(unclear.status == 2)
        #expect(unclear.stderr.contains("US has") && unclear.stderr.contains("time zones") && unclear.stderr.contains("--time-zone"))
        let given = try sanad.run(["association", "add", "boston", "--name", "Boston Aid", "--country", "us", "--time-zone", "America/New_York",
                                   "--format", "json"])
        #expect(given.status == 0, "\(given.stderr)")
        #expect((try JSONSerialization.jsonObject(with: Data(given.stdout.utf8)) as! [String: Any])["currency"] as? String == "USD")
        // With two associations, one must be chosen; before the subcommand works as after it.
        #expect(try sanad.run(["contact", "list"]).status != 0)
        let hoisted = try sanad.run(["-a", "boston", "contact", "add", "Jane Doe", "--format", "json"])
        #expect(hoisted.status == 0, "\(hoisted.stderr)")
        #expect(try sanad.run(["contact", "list", "-a", "tripoli", "--format", "json"]).stdout.contains("Jane") == false)
        #expect(try sanad.run(["--association=boston", "contact", "list", "--format", "json"]).stdout.contains("Jane Doe"))
        let palestine = try sanad.run(["association", "add", "gaza", "--name", "Gaza Relief", "--country", "PS"])
        #expect(palestine.status == 2 && palestine.stderr.contains("--currency"))
    }
}
