internal import ArgumentParser
internal import Foundation
internal import SanadCore
internal import SanadCommandKit

/// `sanad completions`: tab completion for bash, zsh and fish, printed or installed.
struct CompletionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completions",
        abstract: "Tab completion for bash, zsh or fish: install it for your user with one command, or print it.",
        discussion: """
            Examples:
              sanad completions --install              (for the shell you use, from $SHELL)
              sanad completions --shell zsh --install
              sanad completions --shell fish > ~/.config/fish/completions/sanad.fish
            """)

    @Option(help: "bash, zsh or fish (default: the shell in $SHELL).") var shell: String?
    @Flag(help: "Write it where your shell loads completions from, instead of printing it.") var install = false

    func run() throws {
        let environment = CommandIO.current.environment
        let name = shell ?? URL(fileURLWithPath: environment["SHELL"] ?? "bash").lastPathComponent
        guard let kind = CompletionShell(rawValue: name) else {
            throw SanadError.usage("there are no completions for the shell \"\(name)\"", hint: "choose --shell bash, zsh or fish")
        }
        let script = SanadCommand.completionScript(for: kind)
        guard install else {
            Console.say(script)
            return
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let data = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.local/share"
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config"
        let (path, note): (String, String?) = switch kind {
        case .bash: (data + "/bash-completion/completions/sanad", nil)
        case .fish: (config + "/fish/completions/sanad.fish", nil)
        default: (home + "/.zfunc/_sanad", "add to ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)")
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Sanad's own script, nothing personal: readable by all, and installing again updates it.
        try AtomicFile.write(Data(script.utf8), to: path, replacing: true, mode: 0o644)
        Console.say("Installed \(kind.rawValue) completions in \(path); they work in new shells.")
        if let note { Console.say(note) }
    }
}
