internal import Foundation
internal import Glibc

/// One record of a CSV file: its fields and the line it starts on.
public struct CSVRecord: Sendable {
    /// The 1-based line of the file where the record starts (a quoted field may span lines).
    public var line: Int
    public var fields: [String]
    /// Why the record could not be read (invalid UTF-8, a NUL byte, an unclosed quote);
    /// its fields are then unreliable and it must be rejected.
    public var problem: String?
}

/// Streams an RFC 4180 CSV file record by record, in constant memory: comma, semicolon or
/// tab separated; quoted fields with embedded separators, quotes and line breaks; CRLF,
/// LF or CR line ends; UTF-8 with or without BOM, or a legacy encoding converted with iconv
/// (windows-1256 for Arabic files from Excel, ISO-8859-1, ...).
///
/// A bad record (invalid text, a NUL byte) is returned with a ``CSVRecord/problem`` rather
/// than stopping the file, so every bad row can be reported with its line.
public final class CSVReader {
    public let path: String
    /// Whether the file began with a UTF-8 byte order mark (Excel's "CSV UTF-8" does); a
    /// file written back for the same people (the rejects) begins with one too.
    public private(set) var startsWithByteOrderMark = false
    public private(set) var separator: UInt8
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var converter: EncodingConverter?
    public private(set) var bytesRead = 0

    /// Opens `path`.
    ///
    /// - Parameters:
    ///   - separator: `,`, `;` or tab; nil detects it from the first line.
    ///   - encoding: an iconv name such as `windows-1256`; nil reads UTF-8 (a BOM is skipped).
    /// - Throws: ``SanadError`` when the file cannot be opened or the encoding is unknown.
    public init(path: String, separator: Character? = nil, encoding: String? = nil) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SanadError.invalid("cannot open \(path)", hint: "check the path and that the file is readable")
        }
        self.handle = handle
        if let encoding, !["utf-8", "utf8"].contains(encoding.lowercased()) {
            converter = try EncodingConverter(from: encoding)
        }
        self.separator = 0
        try fill()
        // A workbook saved under a .csv name, or picked by mistake, is zipped XML (.xlsx) or
        // an OLE compound file (.xls): said plainly, not reported as a thousand bad rows.
        if buffer.starts(with: [0x50, 0x4B, 0x03, 0x04]) || buffer.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw SanadError.invalid("\(path) is an Excel workbook, not a CSV file",
                                     hint: "in Excel choose File → Save As → \"CSV UTF-8 (Comma delimited)\", then import that file")
        }
        if converter == nil, buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
            startsWithByteOrderMark = true
        }
        if let separator {
            guard let byte = separator.asciiValue, [UInt8(ascii: ","), UInt8(ascii: ";"), 9].contains(byte) else {
                throw SanadError.usage("the separator must be a comma, a semicolon or a tab", hint: "use --delimiter , or ; or tab")
            }
            self.separator = byte
        } else {
            self.separator = detectSeparator()
        }
    }

    deinit {
        try? handle.close()
    }

    /// Reads the next block of the file (converted to UTF-8) into the buffer.
    private func fill() throws {
        guard !atEnd else { return }
        let chunk = handle.readData(ofLength: 1 << 20)
        bytesRead += chunk.count
        if chunk.isEmpty {
            atEnd = true
            if let converter { buffer.append(contentsOf: try converter.finish()) }
            return
        }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        if let converter {
            buffer.append(contentsOf: try converter.convert(Array(chunk)))
        } else {
            buffer.append(contentsOf: chunk)
        }
    }

    /// The separator that occurs most often outside quotes in the first line.
    private func detectSeparator() -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 9: 0]
        var quoted = false
        var index = position
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && (byte == 10 || byte == 13) { break }
            if !quoted, counts[byte] != nil { counts[byte]! += 1 }
            index += 1
        }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
    }

    private func containsReplacement(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0xEF && bytes[index + 1] == 0xBF && bytes[index + 2] == 0xBD { return true }
            index += 1
        }
        return false
    }

    /// The next record, or nil at the end of the file.
    public func next() throws -> CSVRecord? {
        if position >= buffer.count {
            try fill()
            if position >= buffer.count { return nil }
        }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var fieldWasQuoted = false
        var problem: String?
        func finishField() {
            if converter != nil, field.count >= 3, containsReplacement(field) {
                problem = problem ?? "contains bytes that are not \(converter!.name) text"
            }
            if field.contains(0) {
                problem = problem ?? "contains a NUL byte"
                field.removeAll { $0 == 0 }
            }
            if let text = String(validatingUTF8Bytes: field) {
                fields.append(text)
            } else {
                problem = problem ?? "is not valid UTF-8 text (is the file in another encoding? try --encoding windows-1256)"
                fields.append(String(decoding: field, as: UTF8.self))
            }
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        while true {
            if position >= buffer.count {
                try fill()
                if position >= buffer.count {
                    if quoted { problem = problem ?? "has a quote that is never closed" }
                    finishField()
                    return CSVRecord(line: startLine, fields: fields, problem: problem)
                }
            }
            let byte = buffer[position]
            position += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if position >= buffer.count { try fill() }
                    if position < buffer.count && buffer[position] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 13 && position >= buffer.count { try fill() }
                    if byte == 10 || (byte == 13 && !(position < buffer.count && buffer[position] == 10)) { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\"") where field.isEmpty && !fieldWasQuoted:
                quoted = true
                fieldWasQuoted = true
            case separator:
                finishField()
            case 10, 13:
                if byte == 13 {
                    if position >= buffer.count { try fill() }
                    if position < buffer.count && buffer[position] == 10 { position += 1 }
                }
                line += 1
                finishField()
                return CSVRecord(line: startLine, fields: fields, problem: problem)
            default:
                field.append(byte)
            }
        }
    }
}

extension String {
    /// The text if `bytes` are valid UTF-8, else nil.
    init?(validatingUTF8Bytes bytes: [UInt8]) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: self = String(scalars); return
            case .error: return nil
            }
        }
    }
}

/// Converts a legacy encoding to UTF-8 with Glibc's iconv, chunk by chunk.
final class EncodingConverter {
    private let descriptor: iconv_t
    private var pending: [UInt8] = []
    let name: String

    init(from encoding: String) throws {
        name = encoding
        let descriptor = iconv_open("UTF-8", encoding)
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else {
            throw SanadError.usage("unknown encoding \"\(encoding)\"", hint: "use an iconv name such as windows-1256, iso-8859-6 or utf-8")
        }
        self.descriptor = descriptor
    }

    deinit {
        iconv_close(descriptor)
    }

    func convert(_ bytes: [UInt8]) throws -> [UInt8] {
        var input = pending + bytes
        pending = []
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var inputLeft = input.count
        var outputLeft = output.count
        let produced: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                while inputLeft > 0 {
                    let result = iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    if result == -1 {
                        if errno == EINVAL { break }  // an incomplete sequence at the end: keep it for the next chunk
                        // A byte the encoding does not define: replace it and go on, so the row is reported, not the file.
                        inputPointer = inputPointer.map { $0 + 1 }
                        inputLeft -= 1
                        for byte in [UInt8(0xEF), 0xBF, 0xBD] where outputLeft > 0 {
                            outputPointer?.pointee = CChar(bitPattern: byte)
                            outputPointer = outputPointer.map { $0 + 1 }
                            outputLeft -= 1
                        }
                    }
                }
                return outputBuffer.count - outputLeft
            }
        }
        if inputLeft > 0 { pending = Array(input.suffix(inputLeft)) }
        input.removeAll()
        return Array(output.prefix(produced))
    }

    func finish() throws -> [UInt8] {
        guard !pending.isEmpty else { return [] }
        pending = []
        return [0xEF, 0xBF, 0xBD]
    }

    /// `text` in `encoding`, or nil when some character has no form there (then the caller
    /// keeps UTF-8 rather than lose it).
    static func encode(_ text: String, to encoding: String) -> [UInt8]? {
        guard let descriptor = iconv_open(encoding, "UTF-8"), descriptor != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(descriptor) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var inputLeft = input.count
        var outputLeft = output.count
        let failed: Bool = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                guard let inputBase = inputBuffer.baseAddress, let outputBase = outputBuffer.baseAddress else { return false }
                var inputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBase).assumingMemoryBound(to: CChar.self)
                var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBase).assumingMemoryBound(to: CChar.self)
                return iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft) == -1
            }
        }
        guard !failed, inputLeft == 0 else { return nil }
        return Array(output.prefix(output.count - outputLeft))
    }
}
