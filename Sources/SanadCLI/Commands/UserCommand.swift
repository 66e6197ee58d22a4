internal import ArgumentParser
internal import Foundation
internal import Glibc
internal import SanadCore
internal import SanadCommandKit

/// People and their roles. Each user is a PostgreSQL login role; administering them is the
/// database owner's work (the local cluster's operating-system user is its owner too).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Staff accounts: PostgreSQL logins with a role in each association (admin, staff, viewer, auditor).",
        discussion: """
            Roles:
              admin    everything in the association, including plugins, settings and erasure
              staff    contacts, interactions, imports, duplicates and merges, segments, exports, campaigns, events, schedules
              viewer   reads; no changes and no export of personal data
              auditor  the influence audit (findings, reviews, reports, decisions); reads elsewhere

            PostgreSQL enforces the roles: each user logs in as themselves, and row-level security admits only \
            the associations they belong to. These commands need the database owner (SANAD_OWNER_URL, or the \
            local cluster, where you are its owner).

            Examples:
              sanad user add layla -a tripoli --role staff
              sanad user password layla --generate
              sanad user grant layla -a beirut --role viewer
              sanad user link karim 42 -a tripoli
              sanad user disable layla
            """,
        subcommands: [Add.self, List.self, Show.self, Grant.self, Revoke.self, Password.self, Link.self, Disable.self, Enable.self,
                      Remove.self])

    /// The owner's user directory, and the association named with -a when one is.
    static func directory(_ action: String, association slug: String?) throws -> (UserDirectory, Association?) {
        let context = try CommandContext.open(GlobalOptions())
        let owner = try context.owner(for: action)
        let association = try slug.map { try AssociationDirectory(connection: owner).resolve(slug: $0) }
        return (UserDirectory(owner: owner, onBehalfOf: context.actor), association)
    }

    /// `user disable` and `user enable`.
    static func setDisabled(_ name: String, _ disabled: Bool, format: FormatOptions) throws {
        let (users, _) = try directory(disabled ? "disabling a user" : "enabling a user", association: nil)
        OutputWriter(format).print(try users.setDisabled(name, disabled))
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user (a PostgreSQL login role), with roles in an association.",
            discussion: "Example:\n  sanad user add layla -a tripoli --role staff")
        @Argument(help: "The login name: lowercase letters, digits, '.', '_' or '-'.") var name: String
        @Option(name: [.customShort("a"), .long], help: "The association to give the roles in.") var association: String?
        @Option(help: "A role in the association (repeat for several): admin, staff, viewer, auditor.") var role: [AssociationRole] = []
        @OptionGroup var format: FormatOptions

        func validate() throws {
            if !role.isEmpty && association == nil { throw ValidationError("--role needs the association: add -a SLUG") }
        }

        func run() throws {
            let (users, chosen) = try UserCommand.directory("adding a user", association: association)
            let (user, adopted) = try users.add(name, association: chosen, roles: role)
            OutputWriter(format).print(user)
            if adopted { Console.note("the PostgreSQL role \(user.name) existed already; Sanad uses it as it is, with its password") }
            Console.note("set a password with: sanad user password \(user.name) --generate")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.",
                                                        discussion: "Example:\n  sanad user list -a tripoli --format csv")
        @Option(name: [.customShort("a"), .long], help: "Only the members of this association.") var association: String?
        @OptionGroup var format: FormatOptions

        func run() throws {
            let (users, chosen) = try UserCommand.directory("listing users", association: association)
            OutputWriter(format).print(try users.list(association: chosen))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user: roles per association and linked contacts.",
                                                        discussion: "Example:\n  sanad user show layla")
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var format: FormatOptions

        func run() throws {
            let (users, _) = try UserCommand.directory("showing a user", association: nil)
            OutputWriter(format).print(try users.show(name))
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user a role in an association.",
                                                        discussion: "Example:\n  sanad user grant layla -a beirut --role viewer")
        @Argument(help: "The user's name.") var name: String
        @Option(name: [.customShort("a"), .long], help: "The association.") var association: String
        @Option(help: "The role: admin, staff, viewer, auditor.") var role: AssociationRole
        @OptionGroup var format: FormatOptions

        func run() throws {
            let (users, chosen) = try UserCommand.directory("granting a role", association: association)
            let added = try users.grant(name, association: chosen!, role: role)
            if !added { Console.note("\(name) already had the \(role.rawValue) role in \(chosen!.slug)") }
            OutputWriter(format).print(try users.show(name))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a role (or, without --role, every role) in an association away from a user.",
            discussion: "Example:\n  sanad user revoke layla -a beirut --role viewer")
        @Argument(help: "The user's name.") var name: String
        @Option(name: [.customShort("a"), .long], help: "The association.") var association: String
        @Option(help: "The role to take away (default: all of them).") var role: AssociationRole?
        @OptionGroup var format: FormatOptions

        func run() throws {
            let (users, chosen) = try UserCommand.directory("revoking a role", association: association)
            let removed = try users.revoke(name, association: chosen!, role: role)
            if removed == 0 { Console.note("\(name) had no \(role.map { "\($0.rawValue) role" } ?? "role") in \(chosen!.slug)") }
            OutputWriter(format).print(try users.show(name))
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (SCRAM-SHA-256), typed, read from standard input, or generated and shown once.",
            discussion: """
                The password never reaches the server or its log: libpq computes the SCRAM verifier here.
                Examples:
                  sanad user password layla              (asks twice, on a terminal)
                  sanad user password layla --generate   (prints a new one, once)
                  printf '%s\\n' "$SECRET" | sanad user password layla --stdin
                """)
        @Argument(help: "The user's name.") var name: String
        @Flag(help: "Generate a strong password and print it once.") var generate = false
        @Flag(help: "Read the password from the first line of standard input.") var stdin = false

        func validate() throws {
            if generate && stdin { throw ValidationError("give --generate or --stdin, not both") }
        }

        func run() throws {
            let password: String?
            if generate {
                password = nil
            } else if stdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw SanadError.usage("standard input held no password", hint: "write it on the first line, or use --generate")
                }
                password = line
            } else {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw SanadError.usage("no terminal to type the password on", hint: "use --generate, or --stdin with the password on standard input")
                }
                let first = String(cString: getpass("Password for \(name): "))
                let second = String(cString: getpass("Again: "))
                guard first == second else { throw SanadError.usage("the two passwords differ", hint: "run the command again") }
                password = first
            }
            let (users, _) = try UserCommand.directory("setting a password", association: nil)
            let chosen = try users.setPassword(name, to: password)
            if password == nil {
                // Shown once, on standard output only; never logged.
                CommandIO.current.write(chosen + "\n", to: .standardOutput)
                Console.note("this password is shown once; \(name.lowercased()) logs in with it over SCRAM-SHA-256")
            } else {
                Console.say("Password set for \(name.lowercased()).")
            }
        }
    }

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a user is one of the association's contacts (they cannot review audit findings about their own funder group).",
            discussion: "Example:\n  sanad user link karim 42 -a tripoli")
        @Argument(help: "The user's name.") var name: String
        @Argument(help: "The contact's id.") var contact: Int64
        @Option(name: [.customShort("a"), .long], help: "The association.") var association: String
        @OptionGroup var format: FormatOptions

        func run() throws {
            let (users, chosen) = try UserCommand.directory("linking a user to a contact", association: association)
            OutputWriter(format).print(try users.link(name, association: chosen!, contactID: contact))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a user from logging in (their open sessions end); their history stays.",
            discussion: "Example:\n  sanad user disable layla")
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var format: FormatOptions

        func run() throws {
            try UserCommand.setDisabled(name, true, format: format)
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled user log in again.",
                                                        discussion: "Example:\n  sanad user enable layla")
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var format: FormatOptions

        func run() throws {
            try UserCommand.setDisabled(name, false, format: format)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a user and drop their login role; the audit log keeps what they did, under their name.",
            discussion: "Example:\n  sanad user remove layla --yes")
        @Argument(help: "The user's name.") var name: String
        @Flag(help: "Confirm the removal.") var yes = false

        func run() throws {
            guard yes else { throw SanadError.usage("removing \(name) drops their login", hint: "run again with --yes (or disable them instead)") }
            let (users, _) = try UserCommand.directory("removing a user", association: nil)
            try users.remove(name)
            Console.say("User \(name.lowercased()) removed.")
        }
    }
}

/// `sanad whoami`: the PostgreSQL user this `sanad` logs in as, and their roles.
struct WhoamiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show the user Sanad logs in as, and their associations and roles.",
        discussion: "Example:\n  sanad whoami --format json")
    @OptionGroup var format: FormatOptions

    func run() throws {
        let context = try CommandContext.open(GlobalOptions())
        let identity = try UserDirectory.identity(context.connection)
        if format.format == .table {
            var lines = ["user: \(identity.user)" + (identity.isOwner ? " (the database owner: no association work)" : "")]
            if identity.memberships.isEmpty && !identity.isOwner { lines.append("no association yet") }
            for membership in identity.memberships {
                lines.append("  \(membership.association): " + membership.roles.map(\.rawValue).joined(separator: ", ")
                             + (membership.contactID.map { " (contact #\($0))" } ?? ""))
            }
            Console.say(lines.joined(separator: "\n"))
        } else {
            OutputWriter(format).print(identity)
        }
    }
}
