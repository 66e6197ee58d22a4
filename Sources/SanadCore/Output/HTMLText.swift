/// HTML escaping for element content and quoted attribute values.
///
/// Works on Unicode scalars, never on `Character`s: a `Character` is a grapheme cluster, and
/// a "prepend" scalar such as U+0600 ARABIC NUMBER SIGN joins the scalar after it, so `؀<`
/// is one `Character` that never equals `<` while a browser still reads a `<`. Combining marks
/// after a quote hide it the same way.
public enum HTMLText {
    /// `text` with `& < > " '` as character references, and CR as `&#13;` (an HTML parser
    /// turns a raw CR into LF). Safe inside elements and in single- or double-quoted attributes.
    public static func escape(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "'": result.append(contentsOf: "&#39;".unicodeScalars)
            case "\r": result.append(contentsOf: "&#13;".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// The Content-Security-Policy of every page Sanad writes to a file: nothing may load or
    /// run, only the page's own inline styles apply. Even a future escaping bug runs no script.
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

    /// The `<meta>` element carrying ``contentSecurityPolicy``; it must come before anything
    /// the page draws from data.
    public static var contentSecurityPolicyMeta: String {
        "<meta http-equiv=\"Content-Security-Policy\" content=\"\(escape(contentSecurityPolicy))\">"
    }
}
