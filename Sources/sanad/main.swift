internal import Foundation
internal import SanadCLI

CommandRunner.bootstrapLogging()
exit(await CommandRunner.run(arguments: Array(CommandLine.arguments.dropFirst())))
