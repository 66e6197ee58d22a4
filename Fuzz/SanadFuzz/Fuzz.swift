// libFuzzer entry point for Sanad's parsers of untrusted text (the segment rule language,
// the CSV import path: reader, header mapping, row checks) and its writers of text formats
// (HTML, CSV, iCalendar, JSON, tables). Built only by scripts/fuzz (SANAD_FUZZ=1 adds this
// target to the package); the target to fuzz is chosen with SANAD_FUZZ_TARGET=rules|csv|writers.
import Foundation
@testable import SanadCore
import SanadTestSupport
@testable import Segmentation

private let target = ProcessInfo.processInfo.environment["SANAD_FUZZ_TARGET"] ?? "rules"
private let scratch = NSTemporaryDirectory() + "sanad-fuzz-\(getpid()).csv"
private let association = Association(id: 1, slug: "fuzz", name: "Fuzz", country: "LB", phoneRegion: "LB", baseCurrency: "USD",
                                      timeZone: "Asia/Beirut", language: "ar", createdAt: Date())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case "csv": fuzzImportRows(bytes)
    case "writers": fuzzWriters(bytes)
    default: fuzzRule(bytes)
    }
    return 0
}

/// Any text either parses to a rule that writes back to text parsing to the same rule, or
/// is refused with a positioned message.
func fuzzRule(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let rule = try RuleParser.parse(text)
        let written = RuleWriter.text(of: rule)
        guard let again = try? RuleParser.parse(written), again == rule else {
            preconditionFailure("rule written as \(written) does not read back to the same rule")
        }
    } catch {
        precondition(!error.message.isEmpty && error.line >= 1 && error.column >= 1, "a refusal without a message or position")
    }
}

/// Any bytes as a contacts file: every record is read or refused with a reason, every row
/// checked or refused with a SanadError that names what is wrong.
func fuzzImportRows(_ bytes: [UInt8]) {
    guard FileManager.default.createFile(atPath: scratch, contents: Data(bytes)) else { preconditionFailure("cannot write \(scratch)") }
    do {
        let reader = try CSVReader(path: scratch)
        guard let header = try reader.next() else { return }
        let mapping = try ColumnMapping.fromHeader(header.fields, aliases: ImportVocabulary.contactAliases,
                                                   fields: ImportVocabulary.contactFields, overrides: [:], customFields: true)
        while let record = try reader.next() {
            if let problem = record.problem {
                precondition(!problem.isEmpty)
                continue
            }
            let (values, custom) = mapping.values(of: record.fields)
            do {
                let input = try ContactInput(importValues: values, custom: custom, stripDirectionControls: false)
                _ = try input.validated(for: association)
            } catch let error as SanadError {
                precondition(!error.message.isEmpty, "a refusal without a message")
            }
        }
    } catch let error as SanadError {
        precondition(!error.message.isEmpty, "a refusal without a message")
    } catch {
        preconditionFailure("unexpected error type \(type(of: error)): \(error)")
    }
}

/// Any text through every writer: HTML escaping leaves no markup, CSV rows read back with
/// their cells, iCalendar text escapes its separators and folds within 75 octets, JSON reads
/// back, tables send no control to the terminal (``WriterInvariants``).
func fuzzWriters(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let problems = WriterInvariants.problems(for: text, scratch: scratch)
    precondition(problems.isEmpty, "writer invariants broken: \(problems)")
}
