"""Pages kept from the last build: a build writes again only the pages whose inputs changed.

A page is a function of the warehouse rows it shows and of the report files it links to (there or not, and which:
gongkai.site.sources), under the code of this package. The site folder keeps, in ``.build.json``, what each page
was written from — a hash of its rows, the state (size, modification time, inode) of each file it linked, the page's
own size and modification time — with the site code's hash, the raw folder and the site folder. A page whose rows
hash the same, whose files are in the same state and that nobody changed since is kept: it holds the bytes a build
would write. Anything else — another code, another folder, no record — writes every page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.extract import document as document_module
from gongkai.site.sources import SourceLinks, file_state

RECORD = ".build.json"


@functools.cache
def _code_digest() -> str:
    """This package's code and the text reader its copies use."""
    files = sorted(Path(__file__).parent.glob("*.py")) + [Path(document_module.__file__)]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()


def inputs_digest(inputs: Any) -> str:
    """A hash of a page's rows (plain values: str, numbers, None, in lists, tuples and dicts)."""
    return hashlib.sha256(pickle.dumps(inputs, protocol=5)).hexdigest()


@dataclass
class Record:
    """What the pages of a site were written from (see the module's docstring)."""

    context: str
    pages: dict[str, dict] = field(default_factory=dict)  # page name → {"inputs", "linked", "page"}
    copies: dict[str, list] = field(default_factory=dict)  # SourceLinks.known_copies


def context_of(links: SourceLinks) -> str:
    return hashlib.sha256(f"{_code_digest()}|{links.raw}|{links.out}".encode()).hexdigest()


def read_record(out: Path, context: str) -> Record:
    """The last build's record of the site in ``out``; an empty one where it was made otherwise or is unreadable."""
    try:
        found = json.loads((out / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Record(context)
    if not isinstance(found, dict) or found.get("context") != context:
        return Record(context)
    return Record(context, found.get("pages", {}), found.get("copies", {}))


def write_record(out: Path, record: Record) -> None:
    (out / RECORD).write_text(json.dumps({"context": record.context, "pages": record.pages, "copies": record.copies},
                                         ensure_ascii=False), encoding="utf-8")


def _unchanged(kept: dict | None, inputs: str, path: Path, links: SourceLinks) -> bool:
    return (kept is not None and kept.get("inputs") == inputs and kept.get("page") == file_state(path)
            and all(links.state(file) == state for file, state in kept.get("linked", {}).items()))


def write_page(path: Path, inputs: str, render: Callable[[], str], links: SourceLinks, last: Record,
               record: Record) -> bool:
    """Write ``render()`` into ``path`` unless the last build wrote it from the same ``inputs`` and linked files (the
    copies it links checked all the same); ``record`` what it is written from. True when written."""
    kept = last.pages.get(path.name)
    if _unchanged(kept, inputs, path, links):
        for file in kept["linked"]:
            links.href(file)
        record.pages[path.name] = kept
        return False
    with links.recording() as linked:
        html = render()
    path.write_text(html, encoding="utf-8")
    record.pages[path.name] = {"inputs": inputs, "linked": linked, "page": file_state(path)}
    return True
