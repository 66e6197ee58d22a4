internal import CPhoneNumber

/// Phone numbers as people write them, normalized to E.164 by Google's libphonenumber.
public enum PhoneNumbers {
    public enum Outcome: Sendable, Equatable {
        /// The number in E.164, such as `+9613123456`.
        case e164(String)
        /// Not understood as a phone number; kept as typed and reported.
        case unparseable
        /// Parsed, but not a number that exists in that country's plan.
        case invalid
    }

    /// Parses `raw` with `region` (ISO 3166) assumed for numbers without a country code.
    ///
    /// Direction marks and isolates (U+200E, U+200F, U+061C, U+202A–202E, U+2066–2069) mean
    /// nothing in a number: they come with numbers copied from WhatsApp or Arabic documents,
    /// so they are removed before libphonenumber reads it.
    public static func normalize(_ raw: String, region: String) -> Outcome {
        let raw = TextRules.removingDirectionControls(raw)
        guard !raw.utf8.contains(0), raw.utf8.count < 200 else { return .unparseable }
        var buffer = [CChar](repeating: 0, count: 64)
        let status = sanad_phone_to_e164(raw, region, &buffer, buffer.count)
        switch Int(status) {
        case Int(SANAD_PHONE_OK):
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            return .e164(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        case Int(SANAD_PHONE_INVALID):
            return .invalid
        default:
            return .unparseable
        }
    }

    /// What kind of line an E.164 number is, from libphonenumber's numbering plans.
    public static func kind(ofE164 e164: String) -> PhoneKind {
        guard !e164.utf8.contains(0) else { return .other }
        switch Int(sanad_phone_kind(e164)) {
        case Int(SANAD_PHONE_KIND_MOBILE): return .mobile
        case Int(SANAD_PHONE_KIND_LANDLINE): return .landline
        default: return .other
        }
    }

    /// An E.164 number as people of `region` write it: national format for their own
    /// country's numbers ("06 123 456"), international for others ("+44 20 7946 0958").
    public static func display(_ e164: String, region: String) -> String {
        guard !e164.utf8.contains(0), !region.utf8.contains(0) else { return e164 }
        var buffer = [CChar](repeating: 0, count: 64)
        guard sanad_phone_display(e164, region, &buffer, buffer.count) == SANAD_PHONE_OK else { return e164 }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The digits of `raw` in ASCII (Arabic-Indic and Persian digits converted), for matching
    /// a number by its last digits when it could not be normalized.
    public static func digits(_ raw: String) -> String {
        var result = ""
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: result.unicodeScalars.append(scalar)
            case 0x0660...0x0669: result.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x0660 + 0x30)!)
            case 0x06F0...0x06F9: result.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!)
            default: break
            }
        }
        return result
    }
}
