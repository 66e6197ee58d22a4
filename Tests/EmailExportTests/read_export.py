"""Reads an exported file back with Python's own csv module (independent of Sanad's writer)
and checks every address with the email-validator package, without deliverability checks.
Prints JSON: {"rows": [...], "header": [...], "bom": bool, "crlf": bool, "invalid": [...]}."""
import csv, io, json, sys
from email_validator import validate_email, EmailNotValidError

path, kind = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read()
bom = raw.startswith(b"\xef\xbb\xbf")
text = raw.decode("utf-8-sig")
result = {"bom": bom, "crlf": b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "invalid": []}
if kind == "jsonl":
    rows = [json.loads(line) for line in text.splitlines() if line]
    header, emails = [], [row["email"] for row in rows]
elif kind == "json":
    rows = json.loads(text)
    header, emails = [], [row["email"] for row in rows]
else:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if kind == "brevo" else ",")
    table = list(reader)
    header, rows = table[0], table[1:]
    emails = [row[0] for row in rows]
for email in emails:
    try:
        validate_email(email, check_deliverability=False, allow_smtputf8=(kind != "mailchimp"))
    except EmailNotValidError as error:
        result["invalid"].append([email, str(error)])
result["header"], result["rows"] = header, rows
print(json.dumps(result, ensure_ascii=False))
