public import Foundation
internal import Postgres

/// An event of the association's calendar.
public struct CalendarEvent: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String
    public var place: String?
    public var startsAt: Date
    public var endsAt: Date?
    /// The campaign's slug.
    public var campaign: String?
    public var capacity: Int64?
    /// How many contacts attended (distinct attendance interactions).
    public var attendees: Int64
    public var description: String?

    public init(id: Int64, title: String, place: String?, startsAt: Date, endsAt: Date?, campaign: String?,
                capacity: Int64?, description: String?, attendees: Int64) {
        self.id = id
        self.title = title
        self.place = place
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.campaign = campaign
        self.capacity = capacity
        self.description = description
        self.attendees = attendees
    }

    enum CodingKeys: String, CodingKey {
        case id, title, place, startsAt = "starts_at", endsAt = "ends_at", campaign, capacity, attendees, description
    }

    /// Over `events e` and `campaigns c`.
    static let columns: SQL = """
        e.id, e.title, e.place, e.starts_at, e.ends_at, c.slug AS campaign, e.capacity, e.description,
        (SELECT count(DISTINCT i.contact_id) FROM interactions i WHERE i.event_id = e.id AND i.type = 'event_attendance') AS attendees
        """
}

/// An event as typed.
public struct EventInput: Sendable {
    public var title: String
    public var startsAt: String
    public var endsAt: String?
    public var place: String?
    public var campaign: String?
    public var capacity: Int?
    public var description: String?

    public init(title: String, startsAt: String) {
        self.title = title
        self.startsAt = startsAt
    }
}

/// The association's calendar.
public struct EventStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    var timeZone: TimeZone { transaction.association.zone }

    @discardableResult
    public func add(_ input: EventInput) throws -> Int64 {
        let title = try TextRules.cleanedName(input.title, field: "title", maxLength: 200)
        let starts = try InputValues.moment(input.startsAt, field: "start", timeZone: timeZone)
        let ends = try input.endsAt.map { try InputValues.moment($0, field: "end", timeZone: timeZone) }
        if let ends, ends < starts {
            throw SanadError.invalid("the event ends before it starts", hint: "check --start and --end")
        }
        if let capacity = input.capacity, capacity <= 0 {
            throw SanadError.invalid("capacity must be above zero", hint: "leave it out for no limit")
        }
        let campaignID = try input.campaign.map { try CampaignStore(transaction).id(of: $0) }
        return try transaction.query("""
            INSERT INTO events (title, place, starts_at, ends_at, campaign_id, capacity, description)
            VALUES (\(title), \(try TextRules.cleanedText(input.place, field: "place", maxLength: 200)), \(starts), \(ends),
                    \(campaignID), \(input.capacity), \(try TextRules.cleanedText(input.description, field: "description")))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// One event.
    public func event(_ id: Int64) throws -> CalendarEvent {
        guard let event = try list(from: nil, to: nil, id: id).first else {
            throw SanadError.notFound("there is no event #\(id)", hint: "see the events", remedy: .listEvents)
        }
        return event
    }

    /// Events starting in `[from, to)`, in order.
    public func list(from: Date?, to: Date?, id: Int64? = nil) throws -> [CalendarEvent] {
        try transaction.query("""
            SELECT \(CalendarEvent.columns)
            FROM events e LEFT JOIN campaigns c ON c.id = e.campaign_id
            WHERE (\(from)::timestamptz IS NULL OR e.starts_at >= \(from)) AND (\(to)::timestamptz IS NULL OR e.starts_at < \(to))
              AND (\(id)::bigint IS NULL OR e.id = \(id))
            ORDER BY e.starts_at, e.id
            """).map { try $0.decode(CalendarEvent.self) }
    }
}

/// iCalendar (RFC 5545) text for a list of events, importable by any calendar program.
public enum ICalendar {
    public static func document(_ events: [CalendarEvent], association: Association, now: Date = Date()) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Sanad//Sanad \(association.slug)//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:" + text(association.name), "X-WR-TIMEZONE:" + association.timeZone,
        ]
        for event in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:event-\(event.id)@\(association.slug).sanad")
            lines.append("DTSTAMP:" + utc(now))
            lines.append("DTSTART:" + utc(event.startsAt))
            if let ends = event.endsAt { lines.append("DTEND:" + utc(ends)) }
            lines.append("SUMMARY:" + text(event.title))
            if let place = event.place { lines.append("LOCATION:" + text(place)) }
            var description = event.description ?? ""
            if let campaign = event.campaign { description += (description.isEmpty ? "" : "\n") + "Campaign: \(campaign)" }
            if !description.isEmpty { lines.append("DESCRIPTION:" + text(description)) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261201T160000Z`.
    static func utc(_ date: Date) -> String {
        JSONText.isoTimestamp(date).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    /// TEXT values escape backslash, semicolon, comma and line breaks (CRLF, LF or a bare CR
    /// all become one `\n`). Decided per Unicode scalar: a prepend scalar or a combining mark
    /// glued to a `;` or `,` makes one `Character` that never equals it, while every calendar
    /// program still splits the value there.
    public static func text(_ value: String) -> String {
        let input = Array(value.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < input.count {
            let scalar = input[index]
            switch scalar {
            case "\\": result.append(contentsOf: "\\\\".unicodeScalars)
            case ";": result.append(contentsOf: "\\;".unicodeScalars)
            case ",": result.append(contentsOf: "\\,".unicodeScalars)
            case "\n": result.append(contentsOf: "\\n".unicodeScalars)
            case "\r":
                result.append(contentsOf: "\\n".unicodeScalars)
                if index + 1 < input.count, input[index + 1] == "\n" { index += 1 }
            default: result.append(scalar)
            }
            index += 1
        }
        return String(result)
    }

    /// Lines longer than 75 octets continue on the next line after a space. The cut falls
    /// between Unicode scalars, never inside a UTF-8 sequence (Arabic letters are two octets);
    /// unfolding joins the pieces back byte for byte, so cutting inside a grapheme is harmless.
    public static func fold(_ line: String) -> String {
        var result = String.UnicodeScalarView()
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > 75 {
                result.append(contentsOf: "\r\n ".unicodeScalars)
                octets = 1
            }
            result.append(scalar)
            octets += size
        }
        return String(result)
    }
}
