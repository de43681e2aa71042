"""Benchmark: CPU ms/page of each step of the parse worker (parse_and_review: reader, lines and words, tables, forms,
narrative, review, pdfminer passes) at a git revision (A) against the working tree (B).

    python benchmarks/parse_steps.py [--against REV] [--runs N] [PDF ...]

A is the revision's dagster_project (``git archive`` into a temporary folder); each side runs in a child process
of its own, the two alternating round after round (``--runs`` rounds), so a busy machine slows them alike. A child
parses and reviews every PDF (default: the corpus PDFs of ``pdf_pages``) once to warm up, then once measured: the
CPU time of each step, exclusive of the steps it calls, per page. The children also hash each report's parse JSON
and review findings: ``identical`` says whether A and B produced the same (a revision that changed what is read
differs for that reason; a pure speed-up must say yes).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import REPO, loadavg  # noqa: E402

#: (module, attribute[, class]) → step; a step's time excludes the steps it calls
STEPS = (
    ("gongkai.extract.pdf_chars", "_read_page", None, "reader: PDFium text page and paths"),
    ("gongkai.extract.pdf_plumber", "read_page", "PdfplumberReader", "reader: pages left to pdfminer"),
    ("gongkai.extract.pdf_font_names", "_simple_font_names", None, "reader: pdfminer font names"),
    ("gongkai.extract.pdf_document", "_read_page", None, "lines and words"),
    ("gongkai.extract.pdf_document", "read_pdf", None, "reader: open, load pages, rest"),
    ("gongkai.extract.identity", "read_identity", None, "identity"),
    ("gongkai.extract.pdf_tables", "read_pdf_tables", None, "tables"),
    ("gongkai.extract.budget_tables", "read_budget_targets", None, "budget target forms"),
    ("gongkai.extract.budget_narrative", "read_budget_narrative", None, "narrative"),
    ("gongkai.extract.narrative", "read_narrative_facts", None, "narrative"),
    ("gongkai.extract.performance", "read_performance", None, "performance forms"),
    ("gongkai.extract.budget_reconciliation", "reconcile_budget", None, "checks"),
    ("gongkai.extract.reconciliation", "reconcile", None, "checks"),
    ("gongkai.review.review", "review_document", None, "review"),
    ("gongkai.extract.parser", "parse_document", None, "parse: rest"),
)


def _timed_steps(acc: dict[str, float]) -> None:
    """Wrap each step (and rebind it where it was imported by name) to add its exclusive CPU time to ``acc``."""
    stack: list[list] = []  # [step, started]

    def wrap(step: str, function):
        def timed(*args, **kwargs):
            now = time.process_time()
            if stack:
                acc[stack[-1][0]] = acc.get(stack[-1][0], 0.0) + now - stack[-1][1]
            stack.append([step, now])
            try:
                return function(*args, **kwargs)
            finally:
                end = time.process_time()
                acc[step] = acc.get(step, 0.0) + end - stack.pop()[1]
                if stack:
                    stack[-1][1] = end
        return timed

    for module_name, attribute, owner_name, step in STEPS:
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name) if owner_name else module
        function = getattr(owner, attribute)
        timed = wrap(step, function)
        setattr(owner, attribute, timed)
        for other in list(sys.modules.values()):
            if other is not None and other is not owner and getattr(other, attribute, None) is function:
                setattr(other, attribute, timed)


def child(paths: list[Path], side: str) -> None:
    """Measure in this process (its sys.path already holds the side's dagster_project first); print JSON."""
    import gongkai

    assert Path(gongkai.__file__).resolve().is_relative_to(Path(side).resolve()), gongkai.__file__
    from gongkai.extract.parser import ParseError
    from gongkai.extract.serialize import report_to_dict
    from gongkai.review.review import parse_and_review

    def run_all() -> tuple[int, list[str]]:
        pages, digests = 0, []
        for path in paths:
            try:
                report = parse_and_review(path)
            except ParseError as error:
                digests.append(error.kind)
                continue
            pages += len(report.pages)
            data = report_to_dict(report)
            data["findings"] = [repr(finding) for finding in report.findings]
            text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
            digests.append(hashlib.sha256(text.encode()).hexdigest())
        return pages, digests

    acc: dict[str, float] = {}
    _timed_steps(acc)
    run_all()
    acc.clear()
    started = time.process_time()
    pages, digests = run_all()
    total = time.process_time() - started
    print(json.dumps({"pages": pages, "total": total, "steps": acc, "digests": digests, "load": loadavg()}))


def _side(folder: Path, paths: list[Path]) -> dict:
    # parse_steps (through _lib) puts the working tree's dagster_project first: the side's goes before it after
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import parse_steps; "
            f"sys.path.insert(0, {str(folder / 'dagster_project')!r}); "
            f"parse_steps.child([{', '.join(repr(str(p)) for p in paths)}], {str(folder)!r})")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--against", default="main", help="the git revision of side A (default: main)")
    parser.add_argument("--runs", type=int, default=3, help="rounds (each side once per round)")
    args = parser.parse_args()
    from pdf_pages import default_pdfs

    paths = args.paths or default_pdfs()
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "archive", args.against, "dagster_project"], cwd=REPO, check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder)
        sides = {"A": Path(folder), "B": REPO}
        results: dict[str, list[dict]] = {"A": [], "B": []}
        loads = [loadavg()]
        for _ in range(args.runs):
            for name, side in sides.items():
                results[name].append(_side(side, paths))
        loads.append(loadavg())
    pages = results["B"][0]["pages"]
    steps = list(dict.fromkeys(step for *_, step in STEPS))
    print(f"{len(paths)} PDFs, {pages} pages; A = {args.against}, B = working tree; {args.runs} rounds alternating; "
          f"load {loads[0]} → {loads[-1]}")
    print(f"{'step (CPU ms/page, median)':38} {'A':>7} {'B':>7}")
    for step in steps + ["total"]:
        a, b = (statistics.median((r["total"] if step == "total" else r["steps"].get(step, 0.0)) * 1000 / r["pages"]
                                  for r in results[name]) for name in ("A", "B"))
        print(f"{step:38} {a:7.2f} {b:7.2f}")
    same = [x == y for x, y in zip(results["A"][0]["digests"], results["B"][0]["digests"])]
    print(f"identical: {'yes' if all(same) else 'no'} ({sum(same)} of {len(same)} reports the same)")


if __name__ == "__main__":
    main()
