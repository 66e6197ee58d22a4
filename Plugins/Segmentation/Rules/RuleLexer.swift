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

    /// Works on Unicode scalars, never on `Character`s: a prepend scalar or a combining mark
    /// glued to a quote, comma or parenthesis makes one `Character` that compares unequal to
    /// it, which would let a value swallow the syntax after it. Columns count every scalar
    /// but marks, so a caret still stands under the letter a person sees.
    func tokens() throws(RuleError) -> [RuleToken] {
        var tokens: [RuleToken] = []
        let scalars = Array(source.unicodeScalars)
        var index = 0
        var line = 1
        var column = 1
        func advance() {
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else if !Self.isMark(scalars[index]) {
                column += 1
            }
            index += 1
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let (startLine, startColumn) = (line, column)
            if scalar.properties.isWhitespace {
                advance()
                continue
            }
            if scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .control {
                throw RuleError(source: source, line: line, column: column,
                                message: "an invisible or control character (U+\(String(scalar.value, radix: 16, uppercase: true))) is not allowed; retype the rule")
            }
            switch scalar {
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
                var text = String(scalar)
                advance()
                if index < scalars.count, scalars[index] == "=", scalar != "=" {
                    text.append("=")
                    advance()
                }
                tokens.append(RuleToken(kind: .symbol, text: text, line: startLine, column: startColumn))
            case "\"", "“", "”":
                advance()
                var text = String.UnicodeScalarView()
                var closed = false
                while index < scalars.count {
                    let next = scalars[index]
                    if next == "\\", index + 1 < scalars.count {
                        advance()
                        text.append(scalars[index])
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
                tokens.append(RuleToken(kind: .string, text: String(text), line: startLine, column: startColumn))
            default:
                guard Self.isWordScalar(scalar) else {
                    throw RuleError(source: source, line: line, column: column,
                                    message: "unexpected character '\(scalar)'; put values with such characters in double quotes")
                }
                var word = String.UnicodeScalarView()
                while index < scalars.count, Self.isWordScalar(scalars[index]) {
                    word.append(scalars[index])
                    advance()
                }
                let isNumber = word.first.map(Self.isDigit) == true && word.allSatisfy { Self.isDigit($0) || $0 == "." }
                    && word.filter({ $0 == "." }).count <= 1
                tokens.append(RuleToken(kind: isNumber ? .number : .word, text: String(word), line: startLine, column: startColumn))
            }
        }
        tokens.append(RuleToken(kind: .end, text: "", line: line, column: column))
        return tokens
    }

    /// Letters, digits and marks of any script, and `- _ . @ / :`.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return "-_.@/:".unicodeScalars.contains(scalar)
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.numericType != nil
    }

    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}
