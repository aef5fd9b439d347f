"""What is wrong with a user's CSV file before DuckDB's reader fails on it.

DuckDB's own messages for these cases point the wrong way (a latin-1 file: "set encoding='UTF-16'";
an empty file: "The file's columns are: column0"), and Jinja cannot catch a failing query, so
the pre-flight check (macros/input/check_input_sources.sql) calls ``file_problem`` on every file
of a CSV source first, through the SQL function ``ci_file_problem`` the dbt plugin registers.
Only the first ``SAMPLE_BYTES`` of a file are read: problems of a file's encoding and line
endings show in its first lines, and a 10 GB log is not read twice.
"""

from __future__ import annotations

import re
from pathlib import Path

SAMPLE_BYTES = 1 << 20

# the encodings DuckDB's CSV reader knows without its `encodings` extension, which cannot be
# installed offline; it accepts them in any case, but only spelled so
NATIVE_ENCODINGS = ("utf-8", "utf-16", "latin-1")

# DuckDB picks the decompression from the file name
COMPRESSED_SUFFIXES = (".gz", ".zst")

# what a file starting so is, and what to do
MAGIC_NUMBERS = {
    b"PK\x03\x04": ("a zip archive (an Excel .xlsx workbook?)", "save the sheet as CSV (UTF-8)"),
    b"PAR1": ("a Parquet file", "add `format: parquet` to input_sources.{entity}"),
    b"\xd0\xcf\x11\xe0": ("an old Excel .xls workbook", "save the sheet as CSV (UTF-8)"),
}

# a quoted field, whose line breaks belong to a value ("" inside one is two adjacent matches)
QUOTED_FIELD = re.compile(rb'"[^"]*"')
LINE_BREAKS_TO_SPACES = bytes.maketrans(b"\r\n", b"  ")


def file_problem(path: str, entity: str, encoding: str | None = None) -> str | None:
    """A short description of why `path` cannot be read as the CSV file of `entity`, saying
    what was found and the config line or command that fixes it; None when nothing is wrong.
    `encoding` is the source's `encoding:` setting (None or '' when unset: UTF-8)."""
    with Path(path).open("rb") as file:
        sample = file.read(SAMPLE_BYTES)
    complete = len(sample) < SAMPLE_BYTES
    if not sample.strip():
        size = "0 bytes" if not sample else "only blank lines"
        return (
            f"is empty ({size}): DuckDB would read it as one column named column0. Point "
            f"input_sources.{entity}.path at the exported file, or export it again with its "
            "header line."
        )
    if encoding:
        if encoding.lower() not in NATIVE_ENCODINGS:
            return (
                f"has `encoding: {encoding}`, which DuckDB reads only with its encodings "
                "extension (not installable here). Use one of "
                f"{', '.join(NATIVE_ENCODINGS)}, or convert the file to UTF-8 first, e.g. "
                f"`iconv -f {encoding} -t UTF-8 in.csv > out.csv`, and drop the line."
            )
        if encoding.lower() != "utf-8":
            return None
    if Path(path).name.lower().endswith(COMPRESSED_SUFFIXES):
        return None
    if sample.startswith(b"\xff\xfe"):
        return (
            f"is UTF-16 (little-endian, by its byte order mark): add `encoding: utf-16` to "
            f"input_sources.{entity}."
        )
    if sample.startswith(b"\xfe\xff"):
        return (
            "is UTF-16 big-endian (by its byte order mark), which DuckDB does not read: convert "
            "it to UTF-8 first, e.g. `iconv -f UTF-16BE -t UTF-8 in.csv > out.csv`."
        )
    for magic, (kind, fix) in MAGIC_NUMBERS.items():
        if sample.startswith(magic):
            return f"is not a CSV file but {kind}: {fix.format(entity=entity)}."
    nul = sample.find(b"\x00")
    if nul >= 0:
        return (
            f"holds NUL bytes (the first at offset {nul}): a binary file, not a CSV. "
            f"Check input_sources.{entity}.path."
        )
    return _encoding_problem(sample, complete, entity) or _line_ending_problem(sample)


def _encoding_problem(sample: bytes, complete: bool, entity: str) -> str | None:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # the sample may end inside a character the rest of the file completes
        if not complete and error.reason == "unexpected end of data":
            return None
        offset = error.start
        line = sample.count(b"\n", 0, offset) + 1
        return (
            f"is not UTF-8: byte 0x{sample[offset]:02X} at offset {offset} (line {line}) is not "
            f"valid UTF-8. If the file is latin-1 or Windows-1252 (most Excel exports in "
            f"Western Europe), add `encoding: latin-1` to input_sources.{entity}; for another "
            "code page, convert it to UTF-8 first, e.g. `iconv -f CP1251 -t UTF-8 in.csv > "
            "out.csv` or in Python `Path(out).write_text(Path(src).read_text(encoding='cp1251'), "
            "encoding='utf-8')`."
        )
    return None


def _line_ending_problem(sample: bytes) -> str | None:
    """Both LF and CRLF ending lines outside quoted fields (DuckDB's sniffer gives up)."""
    # blanked to the same length, so offsets stay those of the file
    unquoted = (
        QUOTED_FIELD.sub(lambda field: field[0].translate(LINE_BREAKS_TO_SPACES), sample)
        if b'"' in sample
        else sample
    )
    crlf = unquoted.count(b"\r\n")
    lf = unquoted.count(b"\n") - crlf
    if not crlf or not lf:
        return None
    first_crlf = _line_of(sample, unquoted.index(b"\r\n"))
    first_lf = _line_of(sample, re.search(rb"(?<!\r)\n", unquoted).start())
    return (
        f"mixes line endings: LF ends {lf} line(s) (the first: line {first_lf}), CRLF {crlf} "
        f"(the first: line {first_crlf}), and DuckDB cannot parse that. Convert it to one line "
        "ending, e.g. `sed -i 's/\\r$//' file.csv` or `dos2unix file.csv`."
    )


def _line_of(sample: bytes, offset: int) -> int:
    return sample.count(b"\n", 0, offset) + 1
