"""input_files.file_problem: what the pre-flight says about a CSV file DuckDB would misread."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customer_intelligence import input_files
from customer_intelligence.dbt_plugin import Plugin


def write(folder: Path, name: str, content: bytes) -> str:
    path = folder / name
    path.write_bytes(content)
    return str(path)


def test_a_good_utf8_file_has_no_problem(tmp_path):
    path = write(tmp_path, "ok.csv", 'id,name\r\n1,Café\r\n2,"two\r\nlines"\r\n'.encode())

    assert input_files.file_problem(path, "customers") is None


def test_a_latin1_file_is_told_to_set_encoding_latin1_with_the_offending_byte(tmp_path):
    path = write(tmp_path, "shop.csv", "id,name\n1,Cafe\n2,Caf\xe9\n".encode("latin-1"))

    problem = input_files.file_problem(path, "customers")

    assert problem.startswith(
        "is not UTF-8: byte 0xE9 at offset 20 (line 3) is not valid UTF-8. If the file is "
        "latin-1 or Windows-1252 (most Excel exports in Western Europe), add "
        "`encoding: latin-1` to input_sources.customers; for another code page, convert it to "
        "UTF-8 first, e.g. `iconv -f CP1251 -t UTF-8 in.csv > out.csv`"
    )


def test_a_latin1_file_with_encoding_latin1_has_no_problem(tmp_path):
    path = write(tmp_path, "shop.csv", "id,name\n1,Caf\xe9\n".encode("latin-1"))

    assert input_files.file_problem(path, "customers", "latin-1") is None
    assert input_files.file_problem(path, "customers", "LATIN-1") is None


def test_a_utf8_character_cut_by_the_sample_end_is_no_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(input_files, "SAMPLE_BYTES", 12)
    # "é" is 2 bytes in UTF-8: the 12-byte sample ends after its first
    path = write(tmp_path, "long.csv", "id,name\n1,Cé\n2,b\n".encode())

    assert input_files.file_problem(path, "customers") is None


def test_an_encoding_duckdb_cannot_read_says_how_to_convert(tmp_path):
    path = write(tmp_path, "shop.csv", b"id,name\n1,a\n")

    assert input_files.file_problem(path, "orders", "cp1252") == (
        "has `encoding: cp1252`, which DuckDB reads only with its encodings extension (not "
        "installable here). Use one of utf-8, utf-16, latin-1, or convert the file to UTF-8 "
        "first, e.g. `iconv -f cp1252 -t UTF-8 in.csv > out.csv`, and drop the line."
    )


@pytest.mark.parametrize("content", [b"", b"\n\r\n  \n"])
def test_an_empty_file_is_named_empty(tmp_path, content):
    path = write(tmp_path, "empty.csv", content)

    problem = input_files.file_problem(path, "transactions")

    size = "0 bytes" if not content else "only blank lines"
    assert problem == (
        f"is empty ({size}): DuckDB would read it as one column named column0. Point "
        "input_sources.transactions.path at the exported file, or export it again with its "
        "header line."
    )


def test_an_lf_header_over_a_crlf_body_is_mixed_line_endings(tmp_path):
    path = write(tmp_path, "mixed.csv", b"id,name\n1,a\r\n2,b\r\n3,c\r\n")

    assert input_files.file_problem(path, "customers") == (
        "mixes line endings: LF ends 1 line(s) (the first: line 1), CRLF 3 (the first: line 2), "
        "and DuckDB cannot parse that. Convert it to one line ending, e.g. "
        "`sed -i 's/\\r$//' file.csv` or `dos2unix file.csv`."
    )


def test_line_breaks_inside_quoted_values_are_not_line_endings(tmp_path):
    path = write(tmp_path, "notes.csv", b'id,note\r\n1,"first\nsecond"\r\n2,"say ""hi""\n"\r\n')

    assert input_files.file_problem(path, "customers") is None


def test_utf16_files_are_told_apart_by_their_byte_order_mark(tmp_path):
    little = write(tmp_path, "le.csv", "id\n1\n".encode("utf-16"))  # BOM first, little-endian
    big = write(tmp_path, "be.csv", b"\xfe\xff" + "id\n1\n".encode("utf-16-be"))

    assert input_files.file_problem(little, "customers") == (
        "is UTF-16 (little-endian, by its byte order mark): add `encoding: utf-16` to "
        "input_sources.customers."
    )
    assert input_files.file_problem(little, "customers", "utf-16") is None
    assert "big-endian" in input_files.file_problem(big, "customers")


def test_a_workbook_or_a_parquet_file_named_csv_is_recognised(tmp_path):
    workbook = write(tmp_path, "sales.csv", b"PK\x03\x04rest of a zip")
    parquet = write(tmp_path, "sales2.csv", b"PAR1....")
    binary = write(tmp_path, "ls.csv", b"\x7fELF\x02\x01\x01\x00\x00")

    assert input_files.file_problem(workbook, "orders") == (
        "is not a CSV file but a zip archive (an Excel .xlsx workbook?): save the sheet as CSV "
        "(UTF-8)."
    )
    assert input_files.file_problem(parquet, "orders") == (
        "is not a CSV file but a Parquet file: add `format: parquet` to input_sources.orders."
    )
    assert input_files.file_problem(binary, "orders") == (
        "holds NUL bytes (the first at offset 7): a binary file, not a CSV. Check "
        "input_sources.orders.path."
    )


def test_a_compressed_file_is_left_to_duckdb(tmp_path):
    path = write(tmp_path, "log.csv.gz", b"\x1f\x8b\x08\x00 gzip bytes \xff")

    assert input_files.file_problem(path, "orders") is None


def test_the_plugin_gives_sql_ci_file_problem(tmp_path):
    write(tmp_path, "a_empty.csv", b"")
    write(tmp_path, "b_good.csv", b"id\n1\n")
    with duckdb.connect() as connection:
        Plugin.configure_connection(None, connection)
        rows = connection.sql(
            "select ci_file_problem(file, 'orders', '') from glob(?) order by file",
            params=[f"{tmp_path}/*.csv"],
        ).fetchall()
    assert rows[0][0].startswith("is empty (0 bytes)")
    assert rows[1] == (None,)
