import Foundation
@testable import SanadCore
import Testing

/// The CSV fuzzer's seeds and every input it ever stopped on (Fuzz/regressions/csv): each
/// record is read or refused with a reason, each row checked or refused with a message.
@Suite("CSV import path: fuzz seeds and regressions")
struct ImportFuzzRegressionTests {
    static let folders = ["Fuzz/seeds/csv", "Fuzz/regressions/csv"].map {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../\($0)").standardized.path
    }

    @Test("every kept file is read and checked row by row without a crash; every refusal says why")
    func keptFiles() throws {
        let association = Association(id: 1, slug: "fuzz", name: "Fuzz", country: "LB", phoneRegion: "LB", baseCurrency: "USD",
                                      timeZone: "Asia/Beirut", language: "ar", createdAt: Date())
        var accepted = 0
        for folder in Self.folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) where !name.hasPrefix(".") {
                let reader = try CSVReader(path: folder + "/" + name)
                guard let header = try reader.next() else { continue }
                let mapping = try ColumnMapping.fromHeader(header.fields, aliases: ImportVocabulary.contactAliases,
                                                           fields: ImportVocabulary.contactFields, overrides: [:], customFields: true)
                while let record = try reader.next() {
                    if let problem = record.problem {
                        #expect(!problem.isEmpty)
                        continue
                    }
                    let (values, custom) = mapping.values(of: record.fields)
                    do {
                        _ = try ContactInput(importValues: values, custom: custom, stripDirectionControls: false).validated(for: association)
                        accepted += 1
                    } catch let error as SanadError {
                        #expect(!error.message.isEmpty, "\(name) line \(record.line)")
                    }
                }
            }
        }
        #expect(accepted >= 5, "the seeds hold valid rows")
    }
}
