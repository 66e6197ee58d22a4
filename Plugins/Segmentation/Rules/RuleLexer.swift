/// A problem in a rule, with where it is (1-based line and column).
public struct RuleError: Error, Sendable, CustomStringConvertible {
    public let source: String
    public let line: Int
    public let column: Int
    public let message: String

    /// The message, the offending line, and a caret under the position.
    public var description: String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let text = line - 1 < lines.count ? String(lines[line - 1]) : ""
        return "line \(line), column \(column): \(message)\n  \(text)\n  " + String(repeating: " ", count: max(0, column - 1)) + "^"
    }
}

struct RuleToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word, string, number, openParenthesis, closeParenthesis, comma, plus, symbol, end
    }

    let kind: Kind
    let text: String
    let line: Int
    let column: Int

    /// The word in lowercase, for keyword comparisons.
    var keyword: String { kind == .word ? text.lowercased() : "" }

    var shown: String {
        switch kind {
        case .end: "the end of the rule"
        case .string: "\"\(text)\""
        default: "'\(text)'"
        }
    }
}

/// Splits a rule into words, "quoted strings", numbers, parentheses, commas, `+` and the
/// comparison symbols `>= <= > < =`. Words may hold Arabic letters, digits, `-`, `_`, `.`,
/// `@` and `/` (so dates, slugs and addresses stay one word).
struct RuleLexer {
    let source: String

    func tokens() throws(RuleError) -> [RuleToken] {
        var tokens: [RuleToken] = []
        let characters = Array(source)
        var index = 0
        var line = 1
        var column = 1
        func advance() {
            if characters[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
        while index < characters.count {
            let character = characters[index]
            let (startLine, startColumn) = (line, column)
            if character.isWhitespace {
                advance()
                continue
            }
            if character.unicodeScalars.contains(where: { $0.properties.generalCategory == .format || $0.properties.generalCategory == .control }) {
                throw RuleError(source: source, line: line, column: column,
                                message: "an invisible or control character (U+\(String(character.unicodeScalars.first!.value, radix: 16, uppercase: true))) is not allowed; retype the rule")
            }
            switch character {
            case "(":
                tokens.append(RuleToken(kind: .openParenthesis, text: "(", line: line, column: column))
                advance()
            case ")":
                tokens.append(RuleToken(kind: .closeParenthesis, text: ")", line: line, column: column))
                advance()
            case ",", "،":
                tokens.append(RuleToken(kind: .comma, text: ",", line: line, column: column))
                advance()
            case "+":
                tokens.append(RuleToken(kind: .plus, text: "+", line: line, column: column))
                advance()
            case ">", "<", "=":
                var text = String(character)
                advance()
                if index < characters.count, characters[index] == "=", character != "=" {
                    text.append("=")
                    advance()
                }
                tokens.append(RuleToken(kind: .symbol, text: text, line: startLine, column: startColumn))
            case "\"", "“", "”":
                advance()
                var text = ""
                var closed = false
                while index < characters.count {
                    let next = characters[index]
                    if next == "\\", index + 1 < characters.count {
                        advance()
                        text.append(characters[index])
                        advance()
                        continue
                    }
                    if next == "\"" || next == "”" || next == "“" {
                        advance()
                        closed = true
                        break
                    }
                    text.append(next)
                    advance()
                }
                guard closed else {
                    throw RuleError(source: source, line: startLine, column: startColumn, message: "this quote is never closed")
                }
                tokens.append(RuleToken(kind: .string, text: text, line: startLine, column: startColumn))
            default:
                guard Self.isWordCharacter(character) else {
                    throw RuleError(source: source, line: line, column: column,
                                    message: "unexpected character '\(character)'; put values with such characters in double quotes")
                }
                var text = ""
                while index < characters.count, Self.isWordCharacter(characters[index]) {
                    text.append(characters[index])
                    advance()
                }
                let isNumber = text.first?.isNumber == true && text.allSatisfy { $0.isNumber || $0 == "." }
                    && text.filter({ $0 == "." }).count <= 1
                tokens.append(RuleToken(kind: isNumber ? .number : .word, text: text, line: startLine, column: startColumn))
            }
        }
        tokens.append(RuleToken(kind: .end, text: "", line: line, column: column))
        return tokens
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character.isMark || "-_.@/:".contains(character)
    }
}

extension Character {
    var isMark: Bool {
        unicodeScalars.allSatisfy { $0.properties.generalCategory == .nonspacingMark || $0.properties.generalCategory == .spacingMark }
    }
}
