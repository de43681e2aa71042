"""The PDF reader's output, dumped and compared between two versions of the code (a reader change must not move it).

    python benchmarks/pdf_identity.py dump DIR [PDF ...]      # with the code checked out now
    python benchmarks/pdf_identity.py compare BEFORE AFTER

``dump`` writes, per PDF (default: raw/*.pdf and every PDF under ../shared/corpus and ../shared/reference), the
``gongkai parse`` JSON (``.json``), ``read_pdf``'s pages, lines, words, boxes and rules (``.geo``, full precision) and
every character and path the reader hands the line builder (``.chars``, with the pages it left to pdfminer).
``compare`` says per kind of file how many are byte-identical, equal with every number rounded to 0.01 ('fuzzy'), or
different, and lists the lines (text, words, word ends beyond 0.02 pt) that differ. Run ``dump`` once on each
version (e.g. a ``git worktree`` of main, and this one) into two folders, then ``compare``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import REPO  # noqa: E402

SHARED = REPO.parent / "shared"
_FLOAT = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")
_LINE = re.compile(r"Line\(text='((?:[^'\\]|\\.)*)', page=(\d+), line=\d+, words=\((.*?)\)\)(?=, Line\(|\], )")
_WORD = re.compile(r"Word\(text='((?:[^'\\]|\\.)*)', x0=([-\d.e]+), x1=([-\d.e]+)\)")


def default_pdfs() -> list[Path]:
    return (sorted((REPO / "raw").glob("*.pdf")) + sorted((SHARED / "corpus").rglob("*.pdf"))
            + sorted((SHARED / "reference").glob("*.pdf")))


def dump(out: Path, paths: list[Path]) -> None:
    from gongkai.extract.parser import parse_file
    from gongkai.extract.pdf_document import open_pdf, read_pdf
    from gongkai.extract.serialize import report_to_dict

    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        tag = f"{path.parent.name}_{path.stem}"
        try:
            text = json.dumps(report_to_dict(parse_file(path)), ensure_ascii=False, indent=1)
        except Exception as exc:  # noqa: BLE001 - the failure is the output to compare
            text = repr(exc)
        (out / f"{tag}.json").write_text(text)
        document, geometry = read_pdf(path)
        (out / f"{tag}.geo").write_text("\n".join([repr(document.pages), repr(document.reader)]
                                                  + [repr(g) for g in geometry]) + "\n")
        reader = open_pdf(path.read_bytes(), path.name)
        lines = []
        for index in range(len(reader)):
            content = reader.read_page(index)
            lines.append(f"page {index} {content.width!r} {content.height!r} {content.images}")
            lines += [repr((c.text, c.x0, c.x1, c.top, c.bottom, c.baseline, c.size, c.font)) for c in content.chars]
            lines += [repr((p.kind, p.x0, p.x1, p.top, p.bottom)) for p in content.paths]
        lines.append(f"pages by pdfminer {getattr(reader, 'fallback_pages', None)}")
        reader.close()
        (out / f"{tag}.chars").write_text("\n".join(lines) + "\n")
        print(tag, flush=True)


def _rounded(text: str) -> str:
    return _FLOAT.sub(lambda m: f"{float(m.group(0)):.2f}".replace("-0.00", "0.00"), text)


def _lines(geo: str) -> list[tuple[int, str, list[tuple[str, float, float]]]]:
    return [(int(m.group(2)), m.group(1), [(w, float(x0), float(x1)) for w, x0, x1 in _WORD.findall(m.group(3))])
            for m in _LINE.finditer(geo)]


def line_differences(before: str, after: str) -> list[str]:
    """The lines of two .geo dumps whose text or words differ, or whose words' ends move by more than 0.02 pt."""
    a, b = _lines(before), _lines(after)
    found = [] if len(a) == len(b) else [f"{len(a)} lines → {len(b)}"]
    for (page, text, words), (_page, text2, words2) in zip(a, b):
        if text != text2 or [w[0] for w in words] != [w[0] for w in words2]:
            found.append(f"p{page} {text!r} → {text2!r}")
        elif any(abs(u[1] - v[1]) > 0.02 or abs(u[2] - v[2]) > 0.02 for u, v in zip(words, words2)):
            found.append(f"p{page} {text!r}: word ends {[(u[1:], v[1:]) for u, v in zip(words, words2) if u != v][:2]}")
    return found


def compare(before: Path, after: Path) -> int:
    verdicts: dict[tuple[str, str], list[str]] = {}
    for path in sorted(after.iterdir()):
        other = before / path.name
        if not other.exists():
            continue
        a, b = other.read_text(), path.read_text()
        verdict = ("identical" if a == b else "fuzzy" if path.suffix != ".json" and _rounded(a) == _rounded(b)
                   else "DIFFERENT")
        verdicts.setdefault((path.suffix, verdict), []).append(path.stem)
        if path.suffix == ".geo" and verdict != "identical":
            for line in line_differences(a, b)[:20]:
                print(f"  {path.stem}: {line}")
    for (suffix, verdict), names in sorted(verdicts.items()):
        print(f"{suffix:6} {verdict:9} {len(names):3}" + (f"  {' '.join(names)}" if verdict != "identical" else ""))
    return sum(len(v) for (s, verdict), v in verdicts.items() if s == ".json" and verdict == "DIFFERENT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("paths", nargs="*", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.paths or default_pdfs())
    else:
        sys.exit(1 if compare(args.before, args.after) else 0)


if __name__ == "__main__":
    main()
