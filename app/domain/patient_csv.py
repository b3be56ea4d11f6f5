"""Parsing the patient import file (`firstline import-patients FILE`, see API.md).

Pure: text in, validated rows out, or one CsvImportError listing every problem with its line
number. Nothing is imported unless the whole file is valid, so the caller can write all rows in
one transaction.

File format:

- UTF-8 text (a leading byte-order mark is ignored), "\\n" or "\\r\\n" line ends, header row
  first. Blank lines (also rows of only empty fields, as spreadsheets export them) are skipped.
- Delimiter: ",". A file whose header line contains ";" and no "," (Finnish-locale Excel
  "CSV") is read with ";" as the delimiter.
- Columns, in any order (names are matched case-insensitively, surrounding spaces ignored):
  required `id, name, phones, language, unit`;
  optional `named_nurse, named_doctor, hearing_impaired, interpreter_language`.
  A missing required column, an unknown column or a repeated column is an error on the header
  line. Columns with an empty name are ignored while their cells are empty (spreadsheets add
  them after a trailing delimiter).
- `phones`: numbers separated by ";" in a ","-delimited file and by "," in a ";"-delimited
  file; each is normalised to E.164 with `app.domain.phones.normalise`. Empty means the
  patient has no phone. Repeats within one row are dropped (order kept). The same number on
  two patients is an error: routing identifies a caller by number, so a number belongs to
  exactly one patient.
- `language`: an ISO 639-1 code ("fi", "sv", "en", …), lowercased.
- `interpreter_language`: empty → None; an ISO 639-1 code, or a three-letter ISO 639-2/639-3
  code, because sign languages have no two-letter code (Finnish Sign Language is "fse",
  Finland-Swedish Sign Language "fss").
- `hearing_impaired`: true/false, 1/0, yes/no, kyllä/ei (case-insensitive); empty → false.
- `named_nurse` / `named_doctor`: empty → None, otherwise a known professional id.
- Every cell is at most 1,000 characters; surrounding spaces are stripped. In `name`, runs of
  whitespace (including line breaks inside a quoted cell) become one space.

Line numbers are physical lines of the file (the header is normally line 1); a row that spans
several lines because of a quoted line break is reported at the line where it starts.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterator

import msgspec

from app.domain.phones import PhoneError, mask, normalise

__all__ = [
    "COLUMNS",
    "CsvImportError",
    "MAX_FIELD_CHARS",
    "NAMED_NURSE_EXCLUDED_ROLES",
    "OPTIONAL_COLUMNS",
    "PatientRow",
    "REQUIRED_COLUMNS",
    "parse_patients",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "phones", "language", "unit")
OPTIONAL_COLUMNS: tuple[str, ...] = ("named_nurse", "named_doctor", "hearing_impaired", "interpreter_language")
COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "phones",
    "language",
    "named_nurse",
    "named_doctor",
    "unit",
    "hearing_impaired",
    "interpreter_language",
)
MAX_FIELD_CHARS = 1000
MAX_ERRORS_SHOWN = 20

# Roles that may not be anyone's named nurse (omahoitaja). Every other role can: nurses, and
# also coordinators and doctors, who in small units are named as the patient's contact person.
NAMED_NURSE_EXCLUDED_ROLES: frozenset[str] = frozenset({"assistant", "supervisor", "admin"})

_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_LANG3_RE = re.compile(r"^[a-z]{3}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_TRUE = frozenset({"true", "1", "yes", "kyllä"})
_FALSE = frozenset({"false", "0", "no", "ei"})

ISO_639_1: frozenset[str] = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()
)


class PatientRow(msgspec.Struct, frozen=True):
    """One valid patient from the import file."""

    line: int  # physical line where the row starts
    id: str
    name: str
    phones: tuple[str, ...]  # E.164, deduplicated, in file order
    language: str  # ISO 639-1, lowercased
    named_nurse: str | None
    named_doctor: str | None
    unit: str
    hearing_impaired: bool
    interpreter_language: str | None


class CsvImportError(ValueError):
    """Every problem found in an import file; `errors` is a list of (line number, message).

    `str()` gives one "line N: message" per line, at most 20, then "… and N more".
    """

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors: list[tuple[int, str]] = sorted(errors, key=lambda e: e[0])
        super().__init__(self._format())

    def _format(self) -> str:
        lines = [f"line {n}: {msg}" for n, msg in self.errors[:MAX_ERRORS_SHOWN]]
        rest = len(self.errors) - MAX_ERRORS_SHOWN
        if rest > 0:
            lines.append(f"… and {rest} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._format()


def _show(value: str, limit: int = 40) -> str:
    """A cell value quoted for an error message, shortened."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _physical_lines(text: str) -> Iterator[str]:
    # newline="" keeps "\r\n" inside quoted cells intact and lets csv count lines itself.
    return iter(io.StringIO(text, newline=""))


def _header_line(text: str) -> str:
    for line in re.split(r"\r\n|\r|\n", text):
        if line.strip():
            return line
    return ""


def parse_patients(
    text: str, *, known_units: set[str], known_professionals: dict[str, str]
) -> list[PatientRow]:
    """Parse and validate the whole import file; raise CsvImportError with every problem.

    `known_units` are the region's unit ids; `known_professionals` maps professional id → role.
    `named_nurse` must be a known professional whose role is not assistant, supervisor or admin
    (nurse, coordinator and doctor are accepted). `named_doctor` must be a known professional.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    header_text = _header_line(text)
    delimiter = ";" if ";" in header_text and "," not in header_text else ","
    phone_sep = "," if delimiter == ";" else ";"

    reader = csv.reader(_physical_lines(text), delimiter=delimiter, strict=True)
    errors: list[tuple[int, str]] = []

    def records() -> Iterator[tuple[int, list[str]]]:
        """(start line, cells) for every non-blank record; CSV syntax errors go to `errors`."""
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                errors.append((start, f"malformed CSV: {exc}"))
                continue
            if any(c.strip() for c in cells):
                yield start, cells

    rows = records()
    first = next(rows, None)
    if first is None:
        if errors:
            raise CsvImportError(errors)
        raise CsvImportError([(1, "the file is empty: a header row is needed")])
    if errors:  # the header itself could not be read; rows would be misinterpreted
        raise CsvImportError(errors)
    header_line, header = first
    columns = _check_header(header_line, header, errors)
    if columns is None:
        raise CsvImportError(errors)

    result: list[PatientRow] = []
    id_lines: dict[str, int] = {}
    phone_owner: dict[str, tuple[int, str | None]] = {}
    for line, cells in rows:
        row = _parse_row(
            line,
            cells,
            columns,
            phone_sep=phone_sep,
            known_units=known_units,
            known_professionals=known_professionals,
            errors=errors,
            id_lines=id_lines,
            phone_owner=phone_owner,
        )
        if row is not None:
            result.append(row)
    if errors:
        raise CsvImportError(errors)
    return result


def _check_header(line: int, header: list[str], errors: list[tuple[int, str]]) -> list[str | None] | None:
    """Column name per position (None for an unnamed column), or None when the header is wrong."""
    names = [unicodedata.normalize("NFC", h).strip().lower() for h in header]
    ok = True
    seen: set[str] = set()
    for name in names:
        if not name:
            continue
        if name in seen:
            errors.append((line, f"column {name!r} appears more than once"))
            ok = False
        seen.add(name)
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append((line, f"unknown column {_show(name)}{hint}; the columns are {', '.join(COLUMNS)}"))
            ok = False
    for req in REQUIRED_COLUMNS:
        if req not in seen:
            errors.append((line, f"required column {req!r} is missing"))
            ok = False
    return [n or None for n in names] if ok else None


def _parse_row(
    line: int,
    cells: list[str],
    columns: list[str | None],
    *,
    phone_sep: str,
    known_units: set[str],
    known_professionals: dict[str, str],
    errors: list[tuple[int, str]],
    id_lines: dict[str, int],
    phone_owner: dict[str, tuple[int, str | None]],
) -> PatientRow | None:
    n_errors = len(errors)

    def err(msg: str) -> None:
        errors.append((line, msg))

    if len(cells) < len(columns):
        err(f"expected {len(columns)} fields, found {len(cells)}")
        return None
    extra = cells[len(columns):]
    if any(c.strip() for c in extra):
        err(f"expected {len(columns)} fields, found {len(cells)} (a value with a delimiter must be quoted)")
        return None

    values: dict[str, str] = {}
    too_long: set[str] = set()
    for i, name in enumerate(columns):
        cell = cells[i]
        if name is None:
            if cell.strip():
                err(f"value {_show(cell.strip())} in column {i + 1}, which has no name in the header")
            continue
        if len(cell) > MAX_FIELD_CHARS:
            err(f"{name}: the value is longer than {MAX_FIELD_CHARS} characters ({len(cell)})")
            too_long.add(name)
            values[name] = ""
            continue
        values[name] = unicodedata.normalize("NFC", cell).strip()

    # id
    pid: str | None = None
    raw_id = values["id"]
    if "id" in too_long:
        pass
    elif not raw_id:
        err("id is empty")
    elif not _ID_RE.match(raw_id):
        err(f"id {_show(raw_id)} must be 1–64 characters of A–Z, a–z, 0–9, '_', '.', '-'")
    else:
        pid = raw_id
        if pid in id_lines:
            err(f"id {pid!r} is also on line {id_lines[pid]}")
        else:
            id_lines[pid] = line

    # name
    name = " ".join(values["name"].split())
    if "name" not in too_long:
        if not name:
            err("name is empty")
        elif _CONTROL_RE.search(name):
            err("name contains control characters")

    # phones
    phones: list[str] = []
    if "phones" not in too_long:
        for part in values["phones"].split(phone_sep):
            part = part.strip()
            if not part:
                continue
            try:
                e164 = normalise(part)
            except PhoneError as exc:
                err(f"phones: {exc}")
                continue
            if e164 in phones:
                continue
            phones.append(e164)
            owner = phone_owner.get(e164)
            if owner is None:
                phone_owner[e164] = (line, pid)
            elif pid is None or owner[1] != pid:
                # Rows sharing an id are already reported as a duplicate id.
                err(f"phone {mask(e164)} is also on line {owner[0]}; a number must belong to one patient")

    # language
    language = values["language"].lower()
    if "language" not in too_long:
        if not language:
            err("language is empty; use an ISO 639-1 code such as 'fi', 'sv' or 'en'")
        elif language not in ISO_639_1:
            err(f"language {_show(values['language'])} is not an ISO 639-1 code such as 'fi', 'sv' or 'en'")

    # unit
    unit = values["unit"]
    if "unit" not in too_long:
        if not unit:
            err("unit is empty")
        elif unit not in known_units:
            err(f"unit {_show(unit)} is not a unit of the region")

    # named nurse / doctor
    named_nurse = values.get("named_nurse") or None
    if named_nurse is not None:
        role = known_professionals.get(named_nurse)
        if role is None:
            err(f"named_nurse {_show(named_nurse)} is not a known professional")
        elif role in NAMED_NURSE_EXCLUDED_ROLES:
            err(f"named_nurse {named_nurse!r} has the role {role!r}, which cannot be a named nurse")
    named_doctor = values.get("named_doctor") or None
    if named_doctor is not None and named_doctor not in known_professionals:
        err(f"named_doctor {_show(named_doctor)} is not a known professional")

    # hearing impaired
    hearing_impaired = False
    flag = values.get("hearing_impaired", "").lower()
    if flag in _TRUE:
        hearing_impaired = True
    elif flag and flag not in _FALSE:
        err(
            f"hearing_impaired {_show(values['hearing_impaired'])} is not a yes/no value "
            "(true/false, 1/0, yes/no, kyllä/ei)"
        )

    # interpreter language
    interpreter = values.get("interpreter_language", "").lower() or None
    if interpreter is not None and interpreter not in ISO_639_1 and not _LANG3_RE.match(interpreter):
        err(
            f"interpreter_language {_show(values['interpreter_language'])} is not a language code "
            "(ISO 639-1 such as 'ru', or three letters such as 'fse' for Finnish Sign Language)"
        )

    if len(errors) > n_errors or pid is None:
        return None
    return PatientRow(
        line=line,
        id=pid,
        name=name,
        phones=tuple(phones),
        language=language,
        named_nurse=named_nurse,
        named_doctor=named_doctor,
        unit=unit,
        hearing_impaired=hearing_impaired,
        interpreter_language=interpreter,
    )
