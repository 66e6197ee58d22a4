// sanad-bench: in-process latency measurements that a whole `sanad` process per query
// would drown in start-up time. scripts/bench runs it; it prints one JSON object.
import Foundation
import SanadCLI
import SanadCore
import SanadCommandKit
import SanadSynthetic

CommandRunner.bootstrapLogging()

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
}

func milliseconds(_ values: [Double]) -> String {
    let sorted = values.sorted()
    return String(format: "{\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"mean_ms\": %.3f, \"queries\": %d}",
                  percentile(sorted, 0.5) * 1000, percentile(sorted, 0.99) * 1000,
                  sorted.reduce(0, +) / Double(max(1, sorted.count)) * 1000, sorted.count)
}

/// `sanad-bench search SLUG SEED CONTACTS QUERIES`: search latency by name, phone and email
/// for people the generator made (so every query has an answer).
func searchLatency(_ arguments: [String]) throws {
    guard arguments.count == 4, let seed = UInt64(arguments[1]), let contacts = Int(arguments[2]), let queries = Int(arguments[3]) else {
        FileHandle.standardError.write(Data("usage: sanad-bench search SLUG SEED CONTACTS QUERIES\n".utf8))
        exit(2)
    }
    CommandContext.bootstrap(InstalledPlugins(commandPlugins: installedPlugins))
    let context = try CommandContext.open(try GlobalOptions.parse(["-a", arguments[0]]))
    let session = try context.session()
    let generator = SyntheticAssociation(.init(seed: seed, contacts: contacts), for: session.association)
    var random = SeededRandom(seed: 99)
    var samples: [SearchField: [Double]] = [.name: [], .phone: [], .email: []]
    var found: [SearchField: Int] = [.name: 0, .phone: 0, .email: 0]
    for _ in 0..<queries {
        let contact = generator.contact(Int.random(in: 0..<contacts, using: &random)).input
        let probes: [(SearchField, String?)] = [(.name, contact.displayName), (.phone, contact.phones.first), (.email, contact.emails.first)]
        for (field, query) in probes {
            guard let query else { continue }
            let start = DispatchTime.now().uptimeNanoseconds
            let results = try session.transaction(readOnly: true) { try ContactStore($0).search(query, by: field, limit: 20) }
            samples[field]!.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if !results.isEmpty { found[field]! += 1 }
        }
    }
    print("{\"name\": \(milliseconds(samples[.name]!)), \"phone\": \(milliseconds(samples[.phone]!)), "
        + "\"email\": \(milliseconds(samples[.email]!)), \"found\": {\"name\": \(found[.name]!), \"phone\": \(found[.phone]!), \"email\": \(found[.email]!)}}")
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "search": try searchLatency(Array(arguments.dropFirst()))
    default:
        FileHandle.standardError.write(Data("usage: sanad-bench search ...\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("sanad-bench: \(error)\n".utf8))
    exit(1)
}
