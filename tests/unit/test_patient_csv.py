from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.patient_csv import CsvImportError, PatientRow, parse_patients

UNITS = {"kajaani", "sotkamo"}
PROS = {
    "n.virtanen": "nurse",
    "c.korhonen": "coordinator",
    "d.nieminen": "doctor",
    "a.makinen": "assistant",
    "s.lahtinen": "supervisor",
    "adm": "admin",
}
HEADER = "id,name,phones,language,named_nurse,named_doctor,unit,hearing_impaired,interpreter_language"


def parse(text: str) -> list[PatientRow]:
    return parse_patients(text, known_units=UNITS, known_professionals=PROS)


def errors(text: str) -> list[tuple[int, str]]:
    with pytest.raises(CsvImportError) as exc:
        parse(text)
    return exc.value.errors


def test_full_row() -> None:
    text = (
        HEADER + "\n"
        "p1,Matti Meikäläinen,040 123 4567;+358 50 765 4321,FI,n.virtanen,d.nieminen,kajaani,kyllä,\n"
    )
    [row] = parse(text)
    assert row == PatientRow(
        line=2,
        id="p1",
        name="Matti Meikäläinen",
        phones=("+358401234567", "+358507654321"),
        language="fi",
        named_nurse="n.virtanen",
        named_doctor="d.nieminen",
        unit="kajaani",
        hearing_impaired=True,
        interpreter_language=None,
    )


def test_minimal_columns_any_order_and_defaults() -> None:
    text = "unit,language,phones,name,id\nsotkamo,sv,,Anna Andersson,a-1\n"
    [row] = parse(text)
    assert row.id == "a-1"
    assert row.phones == ()
    assert row.language == "sv"
    assert row.named_nurse is None and row.named_doctor is None
    assert row.hearing_impaired is False
    assert row.interpreter_language is None


def test_header_names_tolerate_case_and_spaces() -> None:
    [row] = parse(" ID , Name ,PHONES,language,unit\np1,A,,fi,kajaani\n")
    assert row.id == "p1"


def test_phones_deduplicated_in_order() -> None:
    text = "id,name,phones,language,unit\np1,A,050 765 4321; 0401234567 ;+358401234567;;,fi,kajaani\n"
    [row] = parse(text)
    assert row.phones == ("+358507654321", "+358401234567")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("Kyllä", True), ("KYLLÄ", True),
        ("false", False), ("0", False), ("No", False), ("ei", False), ("EI", False), ("", False),
    ],
)  # fmt: skip
def test_booleans(value: str, expected: bool) -> None:
    [row] = parse(f"id,name,phones,language,unit,hearing_impaired\np1,A,,fi,kajaani,{value}\n")
    assert row.hearing_impaired is expected


def test_bad_boolean() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit,hearing_impaired\np1,A,,fi,kajaani,maybe\n")
    assert line == 2 and "hearing_impaired" in msg and "'maybe'" in msg


def test_interpreter_language() -> None:
    text = (
        "id,name,phones,language,unit,interpreter_language\n"
        "p1,A,,fi,kajaani,RU\n"
        "p2,B,,fi,kajaani,fse\n"
        "p3,C,,fi,kajaani,\n"
    )
    assert [r.interpreter_language for r in parse(text)] == ["ru", "fse", None]
    [(line, msg)] = errors("id,name,phones,language,unit,interpreter_language\np1,A,,fi,kajaani,russian\n")
    assert line == 2 and "interpreter_language" in msg


@pytest.mark.parametrize("lang", ["", "xx", "fin", "suomi", "f"])
def test_bad_language(lang: str) -> None:
    [(line, msg)] = errors(f"id,name,phones,language,unit\np1,A,,{lang},kajaani\n")
    assert line == 2 and "language" in msg


def test_other_iso_languages_lowercased() -> None:
    [row] = parse("id,name,phones,language,unit\np1,A,,So,kajaani\n")
    assert row.language == "so"


def test_named_nurse_roles() -> None:
    base = "id,name,phones,language,unit,named_nurse\n"
    rows = parse(base + "p1,A,,fi,kajaani,n.virtanen\np2,B,,fi,kajaani,c.korhonen\np3,C,,fi,kajaani,d.nieminen\n")
    assert [r.named_nurse for r in rows] == ["n.virtanen", "c.korhonen", "d.nieminen"]
    errs = errors(base + "p1,A,,fi,kajaani,a.makinen\np2,B,,fi,kajaani,s.lahtinen\np3,C,,fi,kajaani,adm\n"
                  "p4,D,,fi,kajaani,nobody\n")  # fmt: skip
    assert [line for line, _ in errs] == [2, 3, 4, 5]
    assert "'assistant'" in errs[0][1] and "'supervisor'" in errs[1][1] and "'admin'" in errs[2][1]
    assert "nobody" in errs[3][1] and "not a known professional" in errs[3][1]


def test_named_doctor_must_be_known() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit,named_doctor\np1,A,,fi,kajaani,dr.who\n")
    assert line == 2 and "named_doctor" in msg and "dr.who" in msg


def test_unknown_unit() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit\np1,A,,fi,oulu\n")
    assert line == 2 and "'oulu'" in msg


@pytest.mark.parametrize("bad_id", ["", "a b", "ä", "x" * 65, "p/1"])
def test_bad_id(bad_id: str) -> None:
    [(line, msg)] = errors(f"id,name,phones,language,unit\n{bad_id},A,,fi,kajaani\n")
    assert line == 2 and "id" in msg


def test_id_limits() -> None:
    [row] = parse(f"id,name,phones,language,unit\n{'A1_.-' + 'x' * 59},A,,fi,kajaani\n")
    assert len(row.id) == 64


def test_empty_name() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit\np1,  ,,fi,kajaani\n")
    assert (line, msg) == (2, "name is empty")


def test_missing_required_column_on_line_1() -> None:
    errs = errors("id,name,language,unit\np1,A,fi,kajaani\n")
    assert errs == [(1, "required column 'phones' is missing")]


def test_unknown_column_named() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit,named_nurze\np1,A,,fi,kajaani,\n")
    assert line == 1 and "'named_nurze'" in msg and "did you mean 'named_nurse'" in msg


def test_repeated_column() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit,name\np1,A,,fi,kajaani,B\n")
    assert line == 1 and "'name'" in msg


def test_empty_file() -> None:
    assert errors("")[0][0] == 1
    assert errors("\n\n")[0][0] == 1


def test_header_only() -> None:
    assert parse(HEADER + "\n") == []


def test_duplicate_id_names_both_lines() -> None:
    text = "id,name,phones,language,unit\np1,A,,fi,kajaani\np2,B,,fi,kajaani\np1,C,,fi,kajaani\n"
    [(line, msg)] = errors(text)
    assert line == 4 and "'p1'" in msg and "line 2" in msg


def test_same_phone_on_two_patients_names_both_lines() -> None:
    text = (
        "id,name,phones,language,unit\n"
        "p1,A,040 123 4567,fi,kajaani\n"
        "p2,B,050 765 4321,fi,kajaani\n"
        "p3,C,0401234567;0441112222,fi,kajaani\n"
    )
    [(line, msg)] = errors(text)
    assert line == 4 and "line 2" in msg
    assert "+35840*****67" in msg and "1234" not in msg  # masked


def test_invalid_phone_reported_with_line() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit\np1,A,040 123 4567;12,fi,kajaani\n")
    assert line == 2 and "'12' is not a valid phone number" in msg


def test_all_errors_collected_nothing_returned() -> None:
    text = (
        "id,name,phones,language,unit\n"
        "p1,A,12,fi,kajaani\n"  # bad phone
        "p2,B,,fi,kajaani\n"  # fine
        "p3,,,xx,oulu\n"  # three errors
    )
    errs = errors(text)
    assert [line for line, _ in errs] == [2, 4, 4, 4]


def test_line_numbers_with_quoted_newlines_blank_lines_and_crlf() -> None:
    text = (
        "\ufeff" + HEADER + "\r\n"
        'p1,"Matti\r\nMeikäläinen",040 123 4567,fi,,,kajaani,,\r\n'  # lines 2-3
        "\r\n"  # line 4, blank
        'p2,"A\nB\nC",,fi,,,kajaani,,\r\n'  # lines 5-7
        "p3,Bad,,fi,,,oulu,,\r\n"  # line 8
        "\r\n\r\n"
    )
    errs = errors(text)
    assert errs == [(8, "unit 'oulu' is not a unit of the region")]
    rows = parse(text.replace("oulu", "kajaani"))
    assert [(r.line, r.id, r.name) for r in rows] == [
        (2, "p1", "Matti Meikäläinen"),
        (5, "p2", "A B C"),
        (8, "p3", "Bad"),
    ]


def test_bom_and_crlf() -> None:
    [row] = parse("\ufeffid,name,phones,language,unit\r\np1,A,0401234567,fi,kajaani\r\n\r\n")
    assert row.id == "p1" and row.phones == ("+358401234567",)


def test_semicolon_delimited_excel_export() -> None:
    text = (
        "\ufeffid;name;phones;language;named_nurse;named_doctor;unit;hearing_impaired;interpreter_language\r\n"
        "p1;Virtanen, Liisa;040 123 4567, 050 765 4321;fi;n.virtanen;;kajaani;ei;\r\n"
        ";;;;;;;;\r\n"
        ";;;;;;;;\r\n"
    )
    [row] = parse(text)
    assert row.name == "Virtanen, Liisa"
    assert row.phones == ("+358401234567", "+358507654321")
    assert row.named_nurse == "n.virtanen"


def test_trailing_empty_columns_tolerated() -> None:
    [row] = parse("id,name,phones,language,unit,\np1,A,,fi,kajaani,\n")
    assert row.id == "p1"
    [(line, msg)] = errors("id,name,phones,language,unit,\np1,A,,fi,kajaani,surprise\n")
    assert line == 2 and "no name" in msg


def test_wrong_field_count() -> None:
    errs = errors("id,name,phones,language,unit\np1,Virtanen, Liisa,,fi,kajaani\np2,A,,fi\n")
    assert [line for line, _ in errs] == [2, 3]
    assert "quoted" in errs[0][1]


def test_field_too_long() -> None:
    [(line, msg)] = errors(f"id,name,phones,language,unit\np1,{'x' * 1001},,fi,kajaani\n")
    assert line == 2 and "name" in msg and "1000 characters" in msg
    [row] = parse(f"id,name,phones,language,unit\np1,{'x' * 1000},,fi,kajaani\n")
    assert len(row.name) == 1000


def test_malformed_quotes() -> None:
    errs = errors('id,name,phones,language,unit\np1,"A"B,,fi,kajaani\np2,"unclosed,,fi,kajaani\n')
    assert [line for line, _ in errs] == [2, 3]
    assert all("malformed CSV" in m for _, m in errs)


def test_control_characters_in_name() -> None:
    [(line, msg)] = errors("id,name,phones,language,unit\np1,A\x00B,,fi,kajaani\n")
    assert line == 2 and "control" in msg


def test_error_message_format_truncates() -> None:
    text = "id,name,phones,language,unit\n" + "".join(f"p{i},A,,fi,oulu\n" for i in range(25))
    with pytest.raises(CsvImportError) as exc:
        parse(text)
    assert len(exc.value.errors) == 25
    lines = str(exc.value).splitlines()
    assert len(lines) == 21
    assert lines[0] == "line 2: unit 'oulu' is not a unit of the region"
    assert lines[19].startswith("line 21: ")
    assert lines[20] == "… and 5 more"
    assert isinstance(exc.value, ValueError)


def test_short_error_list_has_no_tail() -> None:
    err = CsvImportError([(3, "b"), (2, "a")])
    assert err.errors == [(2, "a"), (3, "b")]
    assert str(err) == "line 2: a\nline 3: b"


# --- property: line numbers stay physical whatever the quoting --------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=8), st.booleans())
def test_line_numbers_track_embedded_newlines(newlines_per_row: list[int], crlf: bool) -> None:
    eol = "\r\n" if crlf else "\n"
    text = "id,name,phones,language,unit" + eol
    expected: list[int] = []
    line = 2
    for i, k in enumerate(newlines_per_row):
        name = eol.join(["N"] * (k + 1))
        text += f'p{i},"{name}",,fi,kajaani{eol}'
        expected.append(line)
        line += k + 1
    assert [r.line for r in parse(text)] == expected
