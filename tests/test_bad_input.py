"""Bad input at the parser level: every case ends in a ParseError with a stable ``kind`` and a readable message, or in
a Report carrying specific ParseIssue kinds plus everything that could be read — never a bare traceback, and never a
change to the input file.

Inputs are made from the two real reports in raw/ (the Liaoning seed text dump and the Shanghai PDF) at test time;
tests/data/ holds the one input that cannot be derived from them (a government's 总决算, which is synthetic).
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gongkai.extract.document import MAX_TEXT_BYTES
from gongkai.extract.parser import ParseError, parse_file
from gongkai.extract.records import CELL_VALUE, CHECK_PASS, Report
from gongkai.extract.text import restore_brackets
from tests.conftest import REPO, SEED, SHANGHAI_PDF
from tests.pdf_bytes import raw_pdf, scanned_pdf, stream

DATA = Path(__file__).parent / "data"

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.splitlines(keepends=True)

# --- helpers ------------------------------------------------------------------------------------------------------


def _parse(path: Path) -> Report:
    """parse_file, asserting the input file is left exactly as it was (bytes and mtime)."""
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    try:
        return parse_file(path)
    finally:
        assert path.read_bytes() == before, "the parser modified its input"
        assert path.stat().st_mtime_ns == mtime, "the parser touched its input"


def _expect_error(path: Path, *kinds: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        _parse(path)
    error = caught.value
    assert error.kind in kinds, f"{error.kind}: {error}"
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message
    return error


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _tables(report: Report) -> dict[str, list[tuple]]:
    """Every table's rows as comparable tuples (code, label, item, side, cell values)."""
    return {
        t.family: [(r.code, r.label, r.item, r.side, tuple(c.value for c in r.cells)) for r in t.rows]
        for t in report.tables
    }


def _span(start: str, end: str) -> tuple[int, int]:
    """Line indexes [start, end) of the seed from the first line matching ``start`` to the next matching ``end``."""
    first = next(i for i, line in enumerate(SEED_LINES) if re.search(start, line))
    last = next(i for i, line in enumerate(SEED_LINES) if i > first and re.search(end, line))
    return first, last


def _assert_consistent(report: Report) -> None:
    for check in report.checks:
        assert check.status in ("pass", "fail", "not_run"), check
    for table in report.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.status == CELL_VALUE:
                    assert cell.value is not None, (table.family, row.label, cell)


def _expenditure_2101101(report: Report) -> tuple:
    row = report.table("expenditure").row(code="2101101")
    return row.value("total"), row.value("basic"), row.value("project")


@pytest.fixture(scope="module")
def seed() -> Report:
    return parse_file(SEED)


# --- empty, whitespace, missing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty"])
def test_empty_file(tmp_path, name):
    error = _expect_error(_write(tmp_path, name, b""), "empty_file")
    assert str(error) == f"{name} is empty (0 bytes)"


@pytest.mark.parametrize(
    "data",
    [
        b"   \n\n\t  \r\n",
        "\u3000\u3000\n  \u3000\n".encode("utf-8"),  # ideographic spaces: bytes.strip() does not see them as blank
        b"\xef\xbb\xbf  \n",  # a UTF-8 BOM and blanks
        b"\xff\xfe" + " \n\u3000\n".encode("utf-16-le"),  # UTF-16 blanks
    ],
    ids=["ascii", "ideographic", "utf8-bom", "utf16"],
)
def test_whitespace_only_file(tmp_path, data):
    error = _expect_error(_write(tmp_path, "blank.txt", data), "empty_file")
    assert str(error).startswith("blank.txt: the file")
    assert "whitespace" in str(error)


@pytest.mark.parametrize("name", ["missing.txt", "."])
def test_not_a_file(tmp_path, name):
    path = tmp_path / name  # a path that does not exist, and a directory
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "not_a_file"
    assert str(caught.value) == f"{path} is not a readable file"


# --- encodings -----------------------------------------------------------------------------------------------------


def _gbk_seed() -> bytes:
    # GBK has no U+FFFD: a GBK original would have held the brackets the seed lost, so restore them first.
    return "".join(restore_brackets(line) for line in SEED_LINES).encode("gbk")


ENCODINGS = {
    "gbk": (_gbk_seed, "gb18030"),
    "gb18030": (lambda: SEED_TEXT.encode("gb18030"), "gb18030"),
    "utf-16-le-bom": (lambda: b"\xff\xfe" + SEED_TEXT.encode("utf-16-le"), "utf-16"),
    "utf-16-be-bom": (lambda: b"\xfe\xff" + SEED_TEXT.encode("utf-16-be"), "utf-16"),
    "utf-16-be": (lambda: SEED_TEXT.encode("utf-16-be"), "utf-16-be"),
    "utf-16-le": (lambda: SEED_TEXT.encode("utf-16-le"), "utf-16-le"),
    "utf-8-bom": (lambda: b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"), "utf-8-sig"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_reencoded_seed(tmp_path, seed, encoding):
    make, detected = ENCODINGS[encoding]
    report = _parse(_write(tmp_path, f"seed-{encoding}.txt", make()))
    assert report.encoding == detected
    assert (report.department, report.fiscal_year, report.kind) == ("辽宁省数据局", 2024, "final")
    assert _tables(report) == _tables(seed)
    assert _expenditure_2101101(report) == (84.11, 76.53, 7.58)
    assert report.table("three_public").row(item="total").value("actual") == 11.96
    assert [(c.name, c.status) for c in report.checks if not c.name.startswith(("narrative", "performance"))] == [
        (c.name, c.status) for c in seed.checks if not c.name.startswith(("narrative", "performance"))
    ]


def test_utf16_with_odd_trailing_byte(tmp_path, seed):
    """A UTF-16 file cut one byte short used to raise UnicodeDecodeError; now the last half character is replaced."""
    data = b"\xff\xfe" + SEED_TEXT.encode("utf-16-le") + b"\x41"
    report = _parse(_write(tmp_path, "odd.txt", data))
    assert _tables(report) == _tables(seed)


@pytest.mark.parametrize("size,seed_", [(7, 1), (1000, 2), (20000, 3), (20001, 4)])
def test_random_binary(tmp_path, size, seed_):
    rnd = random.Random(seed_)
    data = bytes(rnd.randrange(256) for _ in range(size))
    error = _expect_error(_write(tmp_path, "noise.bin", data), "unknown_encoding", "not_a_report")
    assert str(error).startswith("noise.bin: ") or error.kind == "not_a_report"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8,  # a zip (.xlsx) header and binary
        b"\x89PNG\r\n\x1a\n" + bytes(4000),  # a PNG header and NULs: valid UTF-8, but binary
        bytes(range(32)) * 100,  # control characters only
    ],
    ids=["zip", "png-nuls", "controls"],
)
def test_binary_formats(tmp_path, data):
    error = _expect_error(_write(tmp_path, "attachment.dat", data), "unknown_encoding")
    assert str(error).startswith("attachment.dat: the file")


# --- documents that are not department reports ------------------------------------------------------------------------


def test_glossary_only_is_not_a_report(tmp_path):
    start, end = _span(r"第三部分 名词解释", r"第四部分")
    path = _write(tmp_path, "glossary.txt", "".join(SEED_LINES[start:end]))
    error = _expect_error(path, "not_a_report")
    assert str(error) == ("no department name and no standard table found (no report title or year): "
                          "not a department report")


def test_readme_is_not_a_report(tmp_path):
    readme = (REPO / "README.md").read_bytes()
    error = _expect_error(_write(tmp_path, "README.md", readme), "not_a_report")
    assert str(error).startswith("no department name and no standard table found")


def test_garbled_text_dump(tmp_path):
    """A dump whose text is all U+FFFD (a font without a Unicode map, dumped by a lossy tool)."""
    error = _expect_error(_write(tmp_path, "garbled.txt", ("\ufffd" * 30 + "\n") * 40), "no_readable_text")
    assert str(error) == "none of the 1 pages of garbled.txt has readable text: 1 garbled"


def test_english_text_is_not_a_report(tmp_path):
    text = "Annual report of the water board, 2024.\nIncome 1,234.00\nExpenditure 1,111.00\n" * 20
    _expect_error(_write(tmp_path, "english.txt", text), "not_a_report")


def test_government_final_accounts_is_not_a_report(tmp_path):
    error = _expect_error(DATA / "government_final_accounts.txt", "not_a_report")
    assert str(error) == "this is a government's overall final accounts (总决算), not a department report"
    # Without the word 总决算 on the cover, the (01表)…(27表) labels alone give it away.
    text = (DATA / "government_final_accounts.txt").read_text(encoding="utf-8").replace("财政总决算", "财政决算")
    assert "总决算" not in text
    _expect_error(_write(tmp_path, "accounts.txt", text), "not_a_report")


# --- reports with parts missing ----------------------------------------------------------------------------------------


def test_missing_tables(tmp_path, seed):
    s3, e3 = _span(r"^ 支出决算表", r"^ 财政拨款收入支出决算总表")
    s9, e9 = _span(r"财政拨款“三公”经费支出决算表", r"第五部分")
    text = "".join(SEED_LINES[:s3] + SEED_LINES[e3:s9] + SEED_LINES[e9:])
    report = _parse(_write(tmp_path, "no-03-09.txt", text))
    _assert_consistent(report)
    missing = [i for i in report.issues if i.kind == "table_missing"]
    assert [i.message for i in missing] == ["no expenditure table found", "no three_public table found"]
    assert all(i.severity == "warning" for i in missing)
    kept = _tables(seed)
    del kept["expenditure"], kept["three_public"]
    assert _tables(report) == kept
    checks = {c.name: c for c in report.checks}
    # checks that need the missing tables are reported as not run — never as passed
    for name in ("cross.expenditure_total", "narrative.three_public_total", "narrative.three_public_vehicle_operation",
                 "narrative.expenditure_basic", "narrative.expenditure_project"):
        assert checks[name].status == "not_run", checks[name]
    needs_missing = ("expenditure.", "three_public.", "cross.expenditure", "cross.three_public",
                     "narrative.three_public", "narrative.expenditure_basic", "narrative.expenditure_project",
                     "narrative.recomputed.three_public")
    assert not [c for c in report.checks if c.name.startswith(needs_missing) and c.status == CHECK_PASS]
    # the narrative's total expenditure is still checked, against the 总表 that is there
    assert checks["narrative.expenditure_total"].status == "pass"
    # checks on the tables that are there still run as on the full seed
    for name, check in checks.items():
        if name.startswith(("income.", "general_budget_expenditure.", "income_expenditure_summary.")):
            assert check.status == next(c.status for c in seed.checks if c.name == name)


def test_fund_tables_not_printed(tmp_path, seed):
    """An 8-table (here 7-table) set prints no 政府性基金 or 国有资本经营 table where the department has no such money:
    the 财政拨款收入支出决算总表's lines for them (income, 年初结转) are blank, so their columns are blank, and its
    年末结转 224.66 and 总计 5,741.50 (p. 公开04表) are 一般公共预算's — never 'ambiguous'."""
    s7, e7 = _span(r"^ 政府性基金预算财政拨款收入支出决算表", r"财政拨款“三公”经费支出决算表")
    report = _parse(_write(tmp_path, "no-07-08.txt", "".join(SEED_LINES[:s7] + SEED_LINES[e7:])))
    kept = _tables(seed)
    del kept["government_fund"], kept["state_capital"]
    assert _tables(report) == kept
    assert not [i for i in report.issues if i.kind == "ambiguous_column"]
    summary = report.table("appropriation_summary")
    for item, value in (("carryover_end", 224.66), ("grand_total", 5741.50)):
        row = summary.row(item=item, side="expenditure")
        assert [row.value(c) for c in ("total", "general_budget", "government_fund", "state_capital")] == \
            [value, value, None, None]


@pytest.mark.parametrize("scope", ["", "（本级）"], ids=["same-titles", "benji-titles"])
def test_second_table_set(tmp_path, seed, scope):
    """A report printing its nine tables twice (the department's, then 本级's): the first set is read, the second is
    one issue per table, never added to the first (before: every row twice, 52 checks failed)."""
    first, end = _span(r"^ 收入支出决算总表", r"第五部分")
    second = re.sub(r"^ ?(\S+表)$", lambda m: f" {m.group(1)}{scope}", "".join(SEED_LINES[first:end]), flags=re.M)
    report = _parse(_write(tmp_path, "two-sets.txt", "".join(SEED_LINES[:end]) + second + "".join(SEED_LINES[end:])))
    assert _tables(report) == _tables(seed)
    assert len([i for i in report.issues if i.kind == "second_table_set"]) == 9
    assert [c.name for c in report.checks if c.status == "fail"] == [c.name for c in seed.checks if c.status == "fail"]


def test_second_table_set_pdf():
    """The Shanghai final with its table pages (6–20) printed again after them: the second set is one issue per
    table, never rows added to the first (before: every row twice, 77 checks failed)."""
    import copy

    from gongkai.extract.document import read_document
    from gongkai.extract.parser import parse_document

    printed = parse_file(SHANGHAI_PDF)
    document = read_document(SHANGHAI_PDF)
    again = [copy.deepcopy(geo) for geo in document.geometry if 6 <= geo.page <= 20]
    for page, geo in enumerate(again, start=len(document.pages) + 1):
        geo.page = page
        for line in geo.lines:
            line.page = page
        info = copy.deepcopy(document.pages[-1])
        info.page = page
        document.geometry.append(geo)
        document.pages.append(info)
        document.lines.extend(geo.lines)
    report = parse_document(document)
    assert _tables(report) == _tables(printed)
    # one per table with cells: the empty 政府性基金 and 国有资本经营 tables add nothing either way
    assert len([i for i in report.issues if i.kind == "second_table_set"]) == 7
    assert not [c for c in report.checks if c.status == "fail"]


@pytest.mark.parametrize("tail", ["", "2080502 事业单位离退休 5.5"], ids=["at-line", "mid-line"])
def test_table_cut_off(tmp_path, seed, tail):
    s3, _ = _span(r"^ 支出决算表", r"^ 财政拨款收入支出决算总表")
    cut = next(i for i, line in enumerate(SEED_LINES) if i > s3 and line.startswith("2080501"))
    report = _parse(_write(tmp_path, "cut.txt", "".join(SEED_LINES[:cut]) + tail))
    _assert_consistent(report)
    truncated = [i for i in report.issues if i.kind == "table_truncated"]
    assert len(truncated) == 1
    assert truncated[0].message == ("the file ends inside the 支出决算表 (expenditure) with no notes (注：) after it: "
                                    "the table may be cut off")
    last_line = cut + 1 if tail else max(i for i in range(cut) if SEED_LINES[i].strip()) + 1
    assert truncated[0].source.line == last_line
    # what was read before the cut is intact
    full = _tables(seed)
    assert _tables(report)["income_expenditure_summary"] == full["income_expenditure_summary"]
    assert _tables(report)["income"] == full["income"]
    expenditure = report.table("expenditure")
    assert [r.code for r in expenditure.rows][:9] == [None, "201", "20103", "2010301", "2010302", "2010350",
                                                      "2010399", "208", "20805"]
    assert expenditure.row(code="201").value("total") == 4669.97
    assert expenditure.row(item="total").value("total") == 5516.90
    assert {i.message for i in report.issues if i.kind == "table_missing"} == {
        f"no {f} table found" for f in ("appropriation_summary", "general_budget_expenditure",
                                        "general_budget_basic_expenditure", "three_public")}
    # the cut table cannot add up: its 类 totals are never reported as passing against the missing rows
    assert checks_status(report, "expenditure.children.total.total") in ("fail", "not_run")
    assert checks_status(report, "expenditure.children.208.total") in ("fail", "not_run", None)


def checks_status(report: Report, name: str) -> str | None:
    return next((c.status for c in report.checks if c.name == name), None)


# --- variants of a complete report -----------------------------------------------------------------------------------

TRADITIONAL = str.maketrans("决财拨总项经费预门单数开类", "決財撥總項經費預門單數開類")


def test_traditional_characters(tmp_path, seed):
    text = SEED_TEXT.translate(TRADITIONAL)
    assert "決算" in text and "財政撥款" in text and "總表" in text and "項目" in text and "經費" in text
    report = _parse(_write(tmp_path, "traditional.txt", text))
    assert (report.department, report.fiscal_year, report.kind) == ("辽宁省数据局", 2024, "final")
    assert [t.family for t in report.tables] == [t.family for t in seed.tables]
    assert _tables(report) == _tables(seed)
    assert _expenditure_2101101(report) == (84.11, 76.53, 7.58)


def _times_10000(match: re.Match) -> str:
    value = round(float(match.group(0).replace(",", "")) * 10000)
    return f"{value:,}.00"


def _in_yuan(start: str, end: str) -> str:
    first, last = _span(start, end)
    block = "".join(SEED_LINES[first:last]).replace("单位：万元", "单位：元")
    # amounts only (they carry two decimals); codes, 栏次 and 行次 have none
    block = re.sub(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])", _times_10000, block)
    return "".join(SEED_LINES[:first]) + block + "".join(SEED_LINES[last:])


@pytest.mark.parametrize(
    "family,start,end",
    [
        ("expenditure", r"^ 支出决算表", r"^ 财政拨款收入支出决算总表"),
        ("three_public", r"财政拨款“三公”经费支出决算表", r"第五部分"),
    ],
)
def test_amounts_in_yuan(tmp_path, seed, family, start, end):
    report = _parse(_write(tmp_path, "yuan.txt", _in_yuan(start, end)))
    table = report.table(family)
    assert table.unit == "元"
    assert _tables(report) == _tables(seed)  # every value converted back to 万元
    original = {c.original for r in table.rows for c in r.cells if c.status == CELL_VALUE}
    assert all(o.endswith(",00.00") or o.endswith("00.00") for o in original), original
    if family == "expenditure":
        row = table.row(code="2101101")
        assert [(c.value, c.original) for c in row.cells[:3]] == [
            (84.11, "841,100.00"), (76.53, "765,300.00"), (7.58, "75,800.00")]
    else:
        total = table.row(item="total")
        assert [(c.value, c.original) for c in total.cells] == [(12.0, "120,000.00"), (11.96, "119,600.00")]
    assert [(c.name, c.status) for c in report.checks] == [(c.name, c.status) for c in seed.checks]


# --- size -----------------------------------------------------------------------------------------------------------


def test_very_large_text_file(tmp_path):
    """The seed repeated 50× (3 MB) parses in bounded time and memory (measured in a child process)."""
    path = _write(tmp_path, "seed-x50.txt", SEED_TEXT * 50)
    script = textwrap.dedent(f"""
        import resource, time
        from gongkai.extract.parser import parse_file
        start = time.monotonic()
        report = parse_file({str(path)!r})
        elapsed = time.monotonic() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(len(report.tables), report.department, f"{{elapsed:.2f}}", f"{{rss:.0f}}")
    """)
    before = path.stat().st_mtime_ns
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stderr[-2000:]
    tables, department, elapsed, rss_mb = out.stdout.split()
    assert (int(tables), department) == (9, "辽宁省数据局")
    assert float(elapsed) < 30, f"took {elapsed}s"
    assert float(rss_mb) < 800, f"peak RSS {rss_mb} MB"
    assert path.stat().st_mtime_ns == before


def test_too_large_text_file(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: nothing is written, nothing has to be read
        handle.truncate(MAX_TEXT_BYTES + 1)
    error = _expect_error(path, "too_large")
    assert str(error) == "huge.txt is 16.0 MB, over the 16 MB limit for a text report"


# --- PDFs -----------------------------------------------------------------------------------------------------------


def cid_pdf(lines: int = 6) -> bytes:
    """One page of text in a Type0 font with Identity-H encoding and no ToUnicode map: pdfminer reads (cid:N)."""
    runs = " ".join(
        "<" + "".join(f"{(i * 7 + j) % 500 + 1:04X}" for j in range(20)) + "> Tj 0 -20 Td" for i in range(lines)
    )
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        stream(f"BT /F1 12 Tf 72 720 Td {runs} ET".encode()),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /DW 1000 /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /NoMap /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 "
        b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ])


def _shanghai_pages(*extra: bytes, pages=(0, 9, 10)) -> bytes:
    """The Shanghai report's cover and its 支出决算表 pages (1, 10, 11), then the pages of ``extra`` PDFs."""
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    source = pypdf.PdfReader(SHANGHAI_PDF)
    for index in pages:
        writer.add_page(source.pages[index])
    for pdf in extra:
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted(data: bytes, user_password: str, algorithm: str) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("fraction", [2, 3, 100])
def test_truncated_pdf(tmp_path, fraction):
    data = SHANGHAI_PDF.read_bytes()
    path = _write(tmp_path, "cut.pdf", data[: len(data) // fraction])
    error = _expect_error(path, "corrupt_pdf")
    assert str(error) == "cut.pdf cannot be opened as a PDF: PSEOF: Unexpected EOF"


def test_text_file_named_pdf(tmp_path):
    error = _expect_error(_write(tmp_path, "seed.pdf", SEED_TEXT), "corrupt_pdf")
    assert str(error) == "seed.pdf is not a PDF (no %PDF- header)"


@pytest.mark.parametrize("algorithm", ["AES-128", "RC4-128", "AES-256"])
def test_encrypted_pdf(tmp_path, algorithm):
    path = _write(tmp_path, "locked.pdf", _encrypted(_shanghai_pages(), "secret", algorithm))
    error = _expect_error(path, "encrypted_pdf")
    assert str(error).startswith("locked.pdf is encrypted")


def test_encrypted_pdf_with_empty_user_password_is_read(tmp_path):
    """Encrypted only against editing (empty user password, as some portals publish): any viewer opens it."""
    report = _parse(_write(tmp_path, "owner-only.pdf", _encrypted(_shanghai_pages(), "", "AES-128")))
    assert report.department == "上海市普陀区财政局"
    assert report.table("expenditure").row(code="2010601").value("total") == 1511.89


def test_scanned_pdf(tmp_path):
    error = _expect_error(_write(tmp_path, "scan.pdf", scanned_pdf()), "no_readable_text")
    assert str(error) == "none of the 1 pages of scan.pdf has readable text: 1 scanned (images only: it needs OCR)"


def test_pdf_with_a_scanned_page(tmp_path):
    report = _parse(_write(tmp_path, "mixed.pdf", _shanghai_pages(scanned_pdf())))
    _assert_consistent(report)
    assert [p.status for p in report.pages] == ["text", "text", "text", "scanned"]
    page_issues = [(i.kind, i.message) for i in report.issues if i.kind.startswith("page_")]
    assert page_issues == [("page_scanned", "page 4 is scanned: its text could not be read")]
    assert (report.department, report.fiscal_year) == ("上海市普陀区财政局", 2024)
    expenditure = report.table("expenditure")
    assert [c.value for c in expenditure.row(item="total").cells[:3]] == [2940.05, 2336.91, 603.14]


def test_cid_pdf(tmp_path):
    error = _expect_error(_write(tmp_path, "cid.pdf", cid_pdf()), "no_readable_text")
    assert str(error) == "none of the 1 pages of cid.pdf has readable text: 1 cid"


def test_pdf_with_a_cid_page(tmp_path):
    report = _parse(_write(tmp_path, "mixed-cid.pdf", _shanghai_pages(cid_pdf())))
    _assert_consistent(report)
    assert report.table("expenditure") is not None
    assert [i.kind for i in report.issues if i.kind.startswith("page_")] == ["page_cid"]
