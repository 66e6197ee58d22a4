internal import ArgumentParser
internal import Foundation
internal import Glibc
internal import SanadCore
internal import SanadCommandKit

/// Thrown to roll a preview back after computing what it would do.
private struct PreviewRollback: Error {
    let summary: ContactMerger.Summary
}

extension ContactCommand {
    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List contacts that are possibly or probably the same person, with the evidence.",
            discussion: """
                Candidates share an email, a phone, a cross-script name key, or sit next to each other \
                in name order; each pair's score is explained. A shared email or phone alone is not \
                enough (families share them). Thresholds: sanad association config --set duplicates.possible=0.6

                Examples:
                  sanad contact duplicates --level probable
                  sanad contact duplicates --dismiss 12 40
                  sanad contact duplicates --merge-probable --yes
                """)

        @Option(help: "possible (default) or probable.") var level: String = "possible"
        @Option(help: "At most this many pairs.") var limit = 100
        @Option(parsing: .upToNextOption, help: "Remember that two contacts are not the same person: --dismiss A B.") var dismiss: [Int64] = []
        @Flag(help: "Merge every probable pair into its older contact (never happens without this flag).") var mergeProbable = false
        @Flag(help: "Confirm --merge-probable.") var yes = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            guard let minimum = DuplicatePair.Level(rawValue: level) else {
                throw SanadError.usage("--level takes possible or probable", hint: "such as --level probable")
            }
            let work = try CommandContext.work(global, format)
            let writer = work.writer
            if !dismiss.isEmpty {
                guard dismiss.count == 2 else { throw SanadError.usage("--dismiss takes two contact ids", hint: "--dismiss 12 40") }
                try work.change { try DuplicateFinder($0).dismiss(dismiss[0], dismiss[1]) }
                writer.message("Contacts #\(dismiss[0]) and #\(dismiss[1]) will no longer be listed as duplicates.")
                return
            }
            if mergeProbable {
                guard yes else {
                    throw SanadError.usage("--merge-probable merges without asking about each pair", hint: "look at the list first, then add --yes")
                }
                let merged = try work.change { transaction -> [OutputRecord] in
                    var done: [OutputRecord] = []
                    var gone = Set<Int64>()
                    for pair in try DuplicateFinder(transaction).find(minimum: .probable, limit: 100_000)
                    where !gone.contains(pair.first) && !gone.contains(pair.second) {
                        done.append(OutputRecord(encoding: try ContactMerger(transaction).merge(pair.second, into: pair.first)))
                        gone.insert(pair.second)
                    }
                    return done
                }
                writer.print(merged)
                return
            }
            let pairs = try work.change { try DuplicateFinder($0).find(minimum: minimum, limit: limit) }
            writer.print(pairs)
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep one contact and absorb another into it: emails, phones, roles, tags, relationships, consent and interactions move over.",
            discussion: """
                The words say which record stays: `merge KEEP --absorb OTHER` keeps KEEP. The absorbed contact \
                stays as a deleted record pointing to the kept one. Sanad asks before merging (or give --yes); \
                what the merge replaced is kept, and `sanad contact unmerge OTHER` puts both records back. One \
                transaction; recorded in the audit log.

                Examples:
                  sanad contact merge 12 --absorb 40 --preview
                  sanad contact merge 12 --absorb 40 --yes
                  sanad contact unmerge 40
                """)

        @Argument(help: "The contact to keep.") var keep: Int64
        @Option(help: "The contact to absorb into it (it disappears into the kept one).") var absorb: Int64?
        @Argument(help: ArgumentHelp(visibility: .hidden)) var second: Int64?
        @Flag(help: "Show the merged record and what each side gives, change nothing.") var preview = false
        @Flag(help: "Merge without asking.") var yes = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func validate() throws {
            if let second, absorb == nil {
                throw ValidationError("say which contact stays: `sanad contact merge \(keep) --absorb \(second)` keeps #\(keep) and absorbs #\(second)")
            }
            guard absorb != nil else { throw ValidationError("name the contact to absorb: sanad contact merge \(keep) --absorb OTHER") }
        }

        func run() throws {
            let other = absorb!
            let work = try CommandContext.work(global, format)
            func attempt(dryRun: Bool) throws -> ContactMerger.Summary {
                do {
                    return try work.change { transaction in
                        let result = try ContactMerger(transaction).merge(other, into: keep)
                        if dryRun { throw PreviewRollback(summary: result) }
                        return result
                    }
                } catch let rollback as PreviewRollback {
                    var summary = rollback.summary
                    summary.mergeID = nil
                    return summary
                }
            }
            let names = try work.read { transaction in
                try [keep, other].map { try ContactStore(transaction).details($0).displayName }
            }
            let writer = work.writer
            if preview {
                writer.message("Preview (nothing changed): keep #\(keep) \(names[0]), absorb #\(other) \(names[1]):")
                writer.print(try attempt(dryRun: true))
                return
            }
            if !yes {
                let io = CommandIO.current
                guard io.isTerminal(.standardError), isatty(STDIN_FILENO) == 1 else {
                    throw SanadError.usage("merging #\(other) into #\(keep) needs a confirmation",
                                           hint: "add --yes (see what would move first with --preview)")
                }
                writer.message("Keep #\(keep) \(names[0]) and absorb #\(other) \(names[1]) into it:")
                OutputWriter(format: .table, timeZone: work.association.zone).print(try attempt(dryRun: true))
                io.write("Merge? (undo with sanad contact unmerge \(other)) [y/N] ", to: .standardError)
                guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased(), ["y", "yes", "نعم"].contains(answer) else {
                    Console.say("Nothing merged.")
                    return
                }
            }
            let summary = try attempt(dryRun: false)
            writer.message("Kept #\(keep), absorbed #\(other) (undo: sanad contact unmerge \(other)):")
            writer.print(summary)
        }
    }

    struct Unmerge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo a merge: both contacts come back as they were, the absorbed one with its own rows and interactions.",
            discussion: """
                Give the absorbed contact's id. Interactions logged on the kept contact after the merge stay \
                with it; segments and audit findings catch up at their next refresh and run.

                Example:
                  sanad contact unmerge 40
                """)
        @Argument(help: "The contact that was absorbed.") var absorbed: Int64
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let summary = try work.change { try ContactUnmerger($0).unmerge(absorbed) }
            work.writer.message("Restored #\(summary.restored) beside #\(summary.kept):")
            work.writer.print(summary)
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a person at their request (right to be forgotten). Cannot be undone.",
            discussion: """
                Personal fields are scrubbed; emails and phones are kept only as hashes on the suppression \
                list, so a later import does not bring the person back; gifts stay (without personal text) \
                so totals per campaign stay right.

                Example:
                  sanad contact erase 42 --yes
                """)

        @Argument(help: "The contact's id.") var id: Int64
        @Flag(help: "Confirm: erasing cannot be undone.") var yes = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard yes else { throw SanadError.usage("erasing cannot be undone", hint: "run again with --yes to erase contact #\(id)") }
            let work = try CommandContext.work(global)
            try work.change { try ContactEraser($0).erase(id) }
            Console.say("Contact #\(id) erased.")
            // Only the tables' owner may vacuum; without its connection autovacuum does it later.
            if let owner = try? work.context.owner(for: "vacuuming after an erasure") {
                try ContactEraser.vacuumAfterErasure(owner: owner)
            } else {
                Console.note("the erased data's old row versions are removed at the next autovacuum (set SANAD_OWNER_URL to vacuum now)")
            }
        }
    }
}

extension AssociationCommand {
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change the association's settings (duplicate thresholds).",
            discussion: "Example:\n  sanad association config --set duplicates.probable=0.85")

        @Option(name: .customLong("set"), help: "A setting, key=value.") var settings: [String] = []
        @Option(help: "A setting to reset to its default.") var unset: [String] = []
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let values = try keyValues(settings, option: "--set")
            let work = try CommandContext.work(global, format)
            let configuration = try work.change { transaction in
                if !values.isEmpty || !unset.isEmpty { try AssociationSettings.configure(transaction, set: values, unset: unset) }
                return try AssociationSettings.load(transaction)
            }
            work.writer.print(AssociationSettings.settings(configuration))
        }
    }
}
