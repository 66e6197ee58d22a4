internal import Foundation
internal import Glibc

/// What a country implies for a new association: its currency, its main language and its
/// time zone, each only where there is one obvious answer.
///
/// Currency and language come from the CLDR data in ICU (through Foundation's `Locale`);
/// time zones from the tz database's `zone1970.tab`, which lists one zone per region that
/// has kept the same clocks since 1970: a country on one row has one obvious zone, a
/// country on several (the United States, Brazil, Australia, ...) does not.
public struct CountryDefaults: Sendable, Equatable {
    public var currency: String?
    public var language: String?
    /// Every zone the country's clocks follow, the first the tz database lists first.
    public var timeZones: [String]

    /// The only zone, when there is one.
    public var timeZone: String? { timeZones.count == 1 ? timeZones[0] : nil }

    /// Where the tz database lists zones by country.
    static let zoneTables = ["/usr/share/zoneinfo/zone1970.tab", "/usr/share/zoneinfo/zone.tab"]

    /// Countries whose everyday money is not one currency, so none is obvious.
    static let mixedCurrencies: Set<String> = ["PS", "ZW", "CU", "SS", "LR", "PA", "KH"]

    public static func of(_ country: String) -> CountryDefaults {
        let code = country.uppercased()
        let currency = mixedCurrencies.contains(code) ? nil : Locale(identifier: "und_\(code)").currency?.identifier
        // CLDR's likely subtags: und-LB maximizes to ar-Arab-LB.
        let likely = Locale.Language(identifier: "und-\(code)").maximalIdentifier
        let language = Locale.Language(identifier: likely).languageCode?.identifier
        return CountryDefaults(currency: currency, language: language == "und" ? nil : language, timeZones: zones(of: code))
    }

    /// The zones whose row names `country`, in the table's order.
    static func zones(of country: String) -> [String] {
        for table in zoneTables {
            let descriptor = open(table, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count <= 0 { break }
                bytes.append(contentsOf: chunk[..<count])
            }
            close(descriptor)
            var zones: [String] = []
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard columns.count >= 3, columns[0].split(separator: ",").contains(Substring(country)) else { continue }
                zones.append(String(columns[2]))
            }
            return zones
        }
        return []
    }
}
