"""The synthetic corpus (gongkai.synth): deterministic, and a faithful round trip through the parser.

Every generated text report must parse back to its truth: identity, every table cell (value or NULL), the narrative
headline facts and the comparatives it states, the projects and their scores; reconciliation may fail only where the
generator injected a 尾差 beyond tolerance. Variations the parser is known to mis-read are behind
:class:`gongkai.synth.render.Options` flags and stay off here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from gongkai.synth import generate_corpus, truth_dir_for
from gongkai.synth.compare import compare

DEPARTMENTS, YEARS, SEED = 3, 2, 20240


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate_corpus(out, departments=DEPARTMENTS, years=YEARS, seed=SEED)
    return out


def _digest(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_generation_is_deterministic(corpus, tmp_path):
    files = generate_corpus(tmp_path / "same", departments=DEPARTMENTS, years=YEARS, seed=SEED)
    assert len(files) == DEPARTMENTS * YEARS
    assert _digest(tmp_path / "same") == _digest(corpus)
    assert _digest(truth_dir_for(tmp_path / "same")) == _digest(truth_dir_for(corpus))
    other = tmp_path / "other"
    generate_corpus(other, departments=DEPARTMENTS, years=YEARS, seed=SEED + 1)
    assert _digest(other) != _digest(corpus)


def test_the_reports_folder_holds_only_reports(corpus):
    """`gongkai run --raw` on it must see reports only (a truth JSON there would be an unreadable file)."""
    assert {p.suffix for p in corpus.iterdir()} == {".txt"}
    assert len(list(truth_dir_for(corpus).glob("*.truth.json"))) == DEPARTMENTS * YEARS + 1


def test_round_trip_every_cell_and_fact(corpus):
    from gongkai.extract.parser import parse_file

    problems = {}
    reports = sorted(corpus.glob("*.txt"))
    assert len(reports) == DEPARTMENTS * YEARS
    for path in reports:
        truth = json.loads((truth_dir_for(corpus) / f"{path.stem}.truth.json").read_text(encoding="utf-8"))
        assert truth["cells"] and truth["narrative"] and truth["projects"]
        found = compare(parse_file(path), truth)
        if found:
            problems[path.name] = found[:20]
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_truth_is_internally_consistent(corpus):
    """Comparatives stated in a year equal the previous generated year's figures; carry-overs chain."""
    truths = {}
    for path in truth_dir_for(corpus).glob("20*.truth.json"):
        truth = json.loads(path.read_text(encoding="utf-8"))
        truths[(truth["department_id"], truth["fiscal_year"])] = truth
    pairs = 0
    for (ident, year), truth in truths.items():
        prev = truths.get((ident, year - 1))
        if prev is None:
            continue
        pairs += 1
        for key in ("income_total", "expenditure_total", "carryover_end", "agency_operating_cost",
                    "three_public_total", "appropriation_expenditure"):
            assert truth["comparatives"][key] == prev["narrative"][key], (ident, year, key)
        assert truth["narrative"]["carryover_begin"] == prev["narrative"]["carryover_end"]
    assert pairs == DEPARTMENTS * (YEARS - 1)


def test_renamed_department_keeps_one_identity(tmp_path):
    generate_corpus(tmp_path / "reports", departments=9, years=4, seed=3)
    truth_dir = truth_dir_for(tmp_path / "reports")
    corpus = json.loads((truth_dir / "corpus.truth.json").read_text(encoding="utf-8"))
    renamed = [d for d in corpus["departments"] if len(d["aliases"]) > 1]
    assert renamed, "seed 3 renames at least one department"
    ids = [d["department_id"] for d in corpus["departments"]]
    assert len(ids) == len(set(ids))
    for dept in renamed:
        assert dept["rename_year"] in corpus["years"]
        years = {}
        for path in truth_dir.glob(f"*_{dept['department_id']}.truth.json"):
            truth = json.loads(path.read_text(encoding="utf-8"))
            assert truth["department_id"] == dept["department_id"]
            years[truth["fiscal_year"]] = truth["department"]
        assert sorted(set(years.values())) == dept["aliases"]
        assert all((name == dept["names"][-1]["name"]) == (year >= dept["rename_year"]) for year, name in years.items())


@pytest.fixture(scope="module")
def pdf_report(tmp_path_factory):
    if importlib.util.find_spec("reportlab") is None:
        pytest.skip("reportlab is not installed: --pdf cannot render")
    if importlib.util.find_spec("gongkai.extract.pdf_document") is None:
        pytest.skip("gongkai.extract.pdf_document is missing: no PDF parser to read the rendered PDF back")
    out = tmp_path_factory.mktemp("synth_pdf")
    files = generate_corpus(out, departments=1, years=1, seed=SEED, pdf=True)
    pdf = next(p for p in files if p.suffix == ".pdf")
    return pdf, json.loads((truth_dir_for(out) / f"{pdf.stem}.truth.json").read_text(encoding="utf-8"))


def test_pdf_reads_back_as_the_same_department_and_year(pdf_report):
    from gongkai.extract.document import read_document
    from gongkai.extract.identity import read_identity

    pdf, truth = pdf_report
    document = read_document(pdf)
    assert {p.status for p in document.pages} == {"text"}  # real characters, no (cid:N) glyphs
    identity = read_identity(document.lines)
    assert (identity.department, identity.fiscal_year, identity.kind) == (truth["department"],
                                                                           truth["fiscal_year"], "final")


def test_pdf_parses_end_to_end(pdf_report):
    from gongkai.extract.parser import parse_file

    pdf, truth = pdf_report
    report = parse_file(pdf)
    assert (report.department, report.fiscal_year) == (truth["department"], truth["fiscal_year"])
