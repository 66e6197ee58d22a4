internal import ArgumentParser
internal import Foundation
internal import Logging
internal import Postgres
internal import SanadCore
internal import SanadCommandKit

/// Parses repeated `key=value` options.
func keyValues(_ items: [String], option: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for item in items {
        // Split at the first `=` scalar, even where a mark or prepend scalar hides it in a Character.
        let scalars = item.unicodeScalars
        guard let equals = scalars.firstIndex(of: "="), equals != scalars.startIndex else {
            throw SanadError.usage("\(option) \"\(item)\" is not key=value", hint: "write it as \(option) name=value")
        }
        result[String(scalars[..<equals])] = String(scalars[scalars.index(after: equals)...])
    }
    return result
}

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Turn plugins on or off for an association, and configure them.",
        subcommands: [List.self, Enable.self, Disable.self, Config.self]
    )

    static func record(_ state: PluginState) -> OutputRecord {
        let settings = state.plugin.configurationKeys.map { key -> OutputValue in
            .record(["key": .text(key.name), "value": .text(state.configuration.values[key.name]?.description ?? ""),
                     "default": .bool(!state.configuration.explicitKeys.contains(key.name)), "accepts": .text(key.acceptedValues)])
        }
        return ["plugin": .text(state.plugin.id), "enabled": .bool(state.enabled), "summary": .text(state.plugin.summary),
                "settings": .list(settings), "updated_at": .of(state.updatedAt), "updated_by": .of(state.updatedBy)]
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every plugin, whether it is enabled here, and its configuration.",
            discussion: "Example:\n  sanad plugin list -a tripoli-relief")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let states = try work.read { try PluginStore($0).states() }
            let writer = work.writer
            if format.format == .table {
                writer.print(states.map { state in
                    ["plugin": .text(state.plugin.id), "enabled": .bool(state.enabled), "summary": .text(state.plugin.summary),
                     "settings": .text(state.plugin.configurationKeys.map { "\($0.name)=\(state.configuration.values[$0.name]?.description ?? "")" }
                        .joined(separator: " "))]
                })
            } else {
                writer.print(states.map(PluginCommand.record))
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable a plugin for the association, optionally setting its configuration.",
            discussion: "Examples:\n  sanad plugin enable segmentation\n  sanad plugin enable influence-audit --set concentration_warn=0.2")

        @Argument(help: "The plugin: segmentation, influence-audit or email-export.") var plugin: String
        @Option(name: .customLong("set"), help: "A setting, key=value (repeat for more).") var settings: [String] = []
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let target = try work.read { try PluginStore($0).plugin(plugin) }
            let values = try keyValues(settings, option: "--set")
            let state = try work.change { transaction in
                let store = PluginStore(transaction)
                try store.enable(target, set: values)
                return try store.state(of: target)
            }
            work.writer.print(PluginCommand.record(state))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a plugin for the association; its data and settings are kept.",
            discussion: "Example:\n  sanad plugin disable email-export")

        @Argument(help: "The plugin.") var plugin: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            let target = try work.change { transaction in
                let store = PluginStore(transaction)
                let target = try store.plugin(plugin)
                try store.disable(target)
                return target
            }
            Console.say("\(target.id) disabled; its data and settings are kept (enable it again with: sanad plugin enable \(target.id)).")
        }
    }

    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change (or reset to default) a plugin's settings.",
            discussion: "Examples:\n  sanad plugin config influence-audit --set anonymous_gift_limit=1000\n  sanad plugin config influence-audit --unset anonymous_gift_limit")

        @Argument(help: "The plugin.") var plugin: String
        @Option(name: .customLong("set"), help: "A setting, key=value (repeat for more).") var settings: [String] = []
        @Option(help: "A setting to reset to its default (repeat for more).") var unset: [String] = []
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let target = try work.read { try PluginStore($0).plugin(plugin) }
            let values = try keyValues(settings, option: "--set")
            let state = try work.change { transaction in
                let store = PluginStore(transaction)
                if !values.isEmpty || !unset.isEmpty { try store.configure(target, set: values, unset: unset) }
                return try store.state(of: target)
            }
            work.writer.print(PluginCommand.record(state))
        }
    }
}

struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run jobs on a cron schedule, in the association's time zone.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule a job kind; prints the next five times it will run.",
            discussion: """
                Five fields: minute hour day-of-month month day-of-week, with ranges (1-5), lists (1,15), \
                steps (*/15) and names (MON-FRI, JAN); or @hourly, @daily, @weekly, @monthly.

                Examples:
                  sanad schedule add segmentation.refresh --cron "0 3 * * *"
                  sanad schedule add core.summary --cron "30 7 * * MON-FRI"
                """)

        @Argument(help: "The job kind (see: sanad jobs kinds).") var kind: String
        @Option(help: "When, as a cron expression.") var cron: String
        @Option(help: "A job parameter, key=value (repeat for more).") var param: [String] = []
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format)
            let parameters = try keyValues(param, option: "--param")
            work.writer.print(try work.change { try JobStore($0).addSchedule(kind, cron: cron, parameters: parameters) })
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the association's schedules.", discussion: "Example:\n  sanad schedule list --format json")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { try JobStore($0).schedules() }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a schedule (jobs it queued stay).", discussion: "Example:\n  sanad schedule remove 3")
        @Argument(help: "The schedule's id.") var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in try JobStore(transaction).removeSchedule(id) }
            Console.say("Schedule #\(id) removed.")
        }
    }
}

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "See, queue, retry and cancel jobs; run due jobs once (for system cron).",
        subcommands: [List.self, Show.self, Add.self, Retry.self, Cancel.self, RunDue.self, Kinds.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the association's jobs, newest first.", discussion: "Example:\n  sanad jobs list --state failed")
        @Option(help: "Only jobs in this state: queued, running, succeeded, failed, cancelled, skipped.") var state: String?
        @Option(help: "At most this many.") var limit = 50
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { try JobStore($0).list(state: state, limit: limit) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a job and every run of it.", discussion: "Example:\n  sanad jobs show 12 --format json")
        @Argument(help: "The job's id.") var id: Int64
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            try CommandContext.printReading(global, format) { try JobStore($0).show(id) }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a job to run now (a worker or `jobs run-due` picks it up).",
            discussion: "Example:\n  sanad jobs add segmentation.refresh --param segment=lybunt")
        @Argument(help: "The job kind.") var kind: String
        @Option(help: "A job parameter, key=value (repeat for more).") var param: [String] = []
        @Option(help: "How many times to try before giving up.") var attempts = 5
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let parameters = try keyValues(param, option: "--param")
            let work = try CommandContext.work(global, format)
            let id = try work.change { transaction in
                try JobStore(transaction).enqueue(kind, parameters: parameters, maxAttempts: attempts)
            }
            if format.format == .table {
                Console.say("Queued job #\(id) (\(kind)).")
            } else {
                work.writer.print(["id": .integer(id), "kind": .text(kind)])
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed, cancelled or skipped job again.", discussion: "Example:\n  sanad jobs retry 12")
        @Argument(help: "The job's id.") var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in try JobStore(transaction).retry(id) }
            Console.say("Job #\(id) queued again.")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running job (a running job's work is rolled back).", discussion: "Example:\n  sanad jobs cancel 12")
        @Argument(help: "The job's id.") var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global)
            try work.change { transaction in try JobStore(transaction).cancel(id) }
            Console.say("Job #\(id) cancelled.")
        }
    }

    struct RunDue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run-due",
            abstract: "Fire due schedules and run every due job of every association, then exit (for system cron).",
            discussion: "Example (crontab):\n  * * * * * sanad jobs run-due --once")
        @Flag(help: "Run what is due now and exit (the only mode; the daemon is `sanad worker`).") var once = false
        @Option(help: "Seconds a claimed job stays reserved (no renewal in this mode).") var lease = 1800
        @OptionGroup var format: FormatOptions

        func validate() throws {
            guard once else { throw ValidationError("run-due needs --once; for a long-running worker use: sanad worker") }
        }

        func run() throws {
            let context = try CommandContext.open(GlobalOptions())
            let owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):run-due"
            // Jobs are claimed across associations: the owner's work, each job then run as the service role.
            let runner = JobRunner(connection: try context.owner(for: "running due jobs"), options: .init(owner: owner, lease: .seconds(lease)),
                                   logger: context.logger,
                                   plugins: context.plugins)
            let outcomes = try runner.runDue()
            OutputWriter(format).print(outcomes.map { outcome in
                ["job": .integer(outcome.jobID), "association": .text(outcome.association), "kind": .text(outcome.kind),
                 "outcome": .text(outcome.result), "duration_ms": .integer(outcome.milliseconds)]
            })
        }
    }

    struct Kinds: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the job kinds this sanad can run, with their parameters.",
                                                        discussion: "Example:\n  sanad jobs kinds --format json")
        @OptionGroup var format: FormatOptions

        func run() throws {
            OutputWriter(format).print(CommandContext.installedPlugins.jobs.kinds.map { kind in
                ["kind": .text(kind.name), "plugin": .text(kind.pluginID), "summary": .text(kind.summary),
                 "parameters": .text(kind.parameters.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))]
            })
        }
    }
}
