"""Reads what Sanad's writers produced with parsers that owe nothing to Sanad: Python's csv
and json modules, html5lib and html.parser, and the icalendar package. Each case of the
manifest names a file and what must come back out of it. Test tooling only.

    python3 check_outputs.py MANIFEST.json

Prints JSON: {"checked": N, "failures": ["...", ...]} (at most 40 failures are kept).
"""
import csv
import html.parser
import io
import json
import re
import sys

import html5lib
import icalendar

# What a spreadsheet runs as a formula when it starts a cell (OWASP's list, with the
# full-width forms some spreadsheets fold to ASCII).
FORMULA_STARTS = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

failures = []
checked = 0


def fail(case, message):
    if len(failures) < 40:
        failures.append(f"{case.get('label', case['kind'])}: {message}")


def is_signed_number(cell):
    """+9613123456 or -12.5: a spreadsheet reads a number, and runs nothing."""
    return re.fullmatch(r"[+-][0-9]+(\.[0-9]+)?", cell) is not None


def starts_formula(cell):
    return bool(cell) and cell[0] in FORMULA_STARTS and not is_signed_number(cell)


def neutralized(cell):
    return "'" + cell if starts_formula(cell) else cell


def check_csv(case):
    raw = open(case["path"], "rb").read()
    text = raw.decode("utf-8-sig" if case.get("bom") else "utf-8")
    if case.get("bom") and not raw.startswith(b"\xef\xbb\xbf"):
        fail(case, "the BOM is missing")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=case["delimiter"], strict=True))
    expected = case["rows"]
    if len(rows) != len(expected):
        fail(case, f"{len(rows)} rows read back, {len(expected)} written")
    for number, (row, want) in enumerate(zip(rows, expected)):
        if len(row) != len(want):
            fail(case, f"row {number} has {len(row)} columns, {len(want)} written: {row!r}")
            continue
        for cell, value in zip(row, want):
            if case.get("formulas_neutralized"):
                if starts_formula(cell):
                    fail(case, f"row {number}: cell {cell!r} starts a formula")
                value = neutralized(value)
            if cell != value:
                fail(case, f"row {number}: {cell!r} read back, {value!r} written")


class TagCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = set(), set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    handle_startendtag = handle_starttag


def check_html(case):
    source = open(case["path"], "rb").read().decode("utf-8")
    allowed_tags, allowed_attributes = set(case["elements"]), set(case["attributes"])
    # html5lib parses as a browser does (the WHATWG algorithm); html.parser is a second,
    # simpler reading that must agree that no element or attribute was smuggled in.
    document = html5lib.parse(source, treebuilder="etree", namespaceHTMLElements=False)
    seen = {}
    def local(name):  # html5lib names inline SVG elements {http://www.w3.org/2000/svg}svg
        return name.rsplit("}", 1)[-1]

    for element in document.iter():
        tag = local(element.tag) if isinstance(element.tag, str) else "#comment"
        if tag not in allowed_tags:
            fail(case, f"element <{tag}> appeared that Sanad did not write")
        for name in map(local, element.attrib):
            if name not in allowed_attributes:
                fail(case, f"attribute {name!r} appeared on <{tag}>")
        if "data-case" in element.attrib:
            seen[int(element.attrib["data-case"])] = element
    collector = TagCollector()
    collector.feed(source)
    collector.close()
    for tag in collector.tags - allowed_tags:
        fail(case, f"html.parser saw element <{tag}>")
    for name in collector.attributes - allowed_attributes:
        fail(case, f"html.parser saw attribute {name!r}")
    full_text = "".join(document.itertext())
    for value in case.get("contains", []):
        if value not in full_text:
            fail(case, f"text {value!r} is not in the page as text")
    for index, value in enumerate(case.get("texts", [])):
        element = seen.get(index)
        if element is None:
            fail(case, f"text {index} lost its element")
            continue
        text = "".join(element.itertext())
        if text != value:
            fail(case, f"text {index}: {text!r} read back, {value!r} written")
        if element.attrib.get("title") != value:
            fail(case, f"attribute {index}: {element.attrib.get('title')!r} read back, {value!r} written")


def check_ics(case):
    raw = open(case["path"], "rb").read()
    for line in raw.split(b"\r\n"):
        if len(line) > 75:
            fail(case, f"a line of {len(line)} octets (at most 75)")
    calendar = icalendar.Calendar.from_ical(raw)
    events = [component for component in calendar.walk("VEVENT")]
    if len(events) != len(case["events"]):
        fail(case, f"{len(events)} events read back, {len(case['events'])} written")
    for event, want in zip(events, case["events"]):
        for field in ("summary", "location", "description"):
            if want.get(field) is None:
                continue
            value = event.get(field)
            got = None if value is None else str(value)
            if got != want[field]:
                fail(case, f"{field}: {got!r} read back, {want[field]!r} written")


def check_json_lines(case):
    lines = open(case["path"], "rb").read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(case["values"]):
        fail(case, f"{len(lines)} lines read back, {len(case['values'])} written")
    for number, (line, value) in enumerate(zip(lines, case["values"])):
        try:
            got = json.loads(line)
        except json.JSONDecodeError as error:
            fail(case, f"line {number} is not JSON: {error}")
            continue
        if got != value:
            fail(case, f"line {number}: {got!r} read back, {value!r} written")


def check_json_document(case):
    got = json.loads(open(case["path"], "rb").read().decode("utf-8"))
    if got != case["values"]:
        fail(case, f"{len(got) if isinstance(got, list) else got!r} read back, {len(case['values'])} written")


CHECKS = {"csv": check_csv, "html": check_html, "ics": check_ics, "jsonl": check_json_lines, "json": check_json_document}

manifest = json.load(open(sys.argv[1], encoding="utf-8"))
for case in manifest:
    try:
        CHECKS[case["kind"]](case)
    except Exception as error:  # a parser that gives up is a failure too
        fail(case, f"{type(error).__name__}: {error}")
    checked += 1
print(json.dumps({"checked": checked, "failures": failures}, ensure_ascii=False))
