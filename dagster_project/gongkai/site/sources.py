"""Each figure's source as a link that opens the report at its page, from disk, with no network.

A PDF is linked where it lies, relative to the site (``../../raw/2024_x_final.pdf#page=5``: the browser's PDF viewer
opens page 5). A text report has no pages a browser knows, so the site writes a copy of it as HTML, one section per
page (``files/<name>.html#page=5``), each line with its number in the file. A file the raw folder no longer holds
is named without a link. A copy records a hash of the text it was written from and of the code that wrote it, and is
written again only when that changed: a run that adds one report writes one copy. A copy found current is remembered
with its source's and its own size and modification time (``known_copies``, kept by gongkai.site.kept between
builds): while neither changed, the next build trusts it without reading the source again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path

from gongkai.extract import document as document_module
from gongkai.extract.document import DocumentError, read_text_document

COPIES = "files"  # the site's folder for the HTML copies of text reports
COPY_STYLE = ("body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:24px;color:#222}"
              "section{border-top:1px solid #ccc;margin-top:16px}h2{font-size:14px;color:#555}"
              "pre{white-space:pre-wrap;font-family:inherit;font-size:13px}:target{background:#fffbe6}")


FileState = list[int] | None  # a file's [size, modification time in ns, inode]; None where it is not a file


def file_state(path: Path | str) -> FileState:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns, found.st_ino] if stat.S_ISREG(found.st_mode) else None


class SourceLinks:
    """Links from the site in ``out`` to the report files of the raw folder ``raw`` (None: names only).
    ``known_copies``: text file → its state and its copy's when a build last found the copy current."""

    def __init__(self, raw: Path | None, out: Path, known_copies: dict[str, list] | None = None):
        self.raw = Path(raw).absolute() if raw else None
        self.out = Path(out).absolute()
        self.known_copies = dict(known_copies or {})
        self._copies: dict[str, str | None] = {}  # text file → its copy's href (None: unreadable)
        self._states: dict[str, FileState] = {}  # file → its state, looked up once a build
        self._linked: dict[str, FileState] | None = None

    def state(self, file: str) -> FileState:
        """What a link to ``file`` depends on: its state in the raw folder (None: not there)."""
        if file not in self._states:
            self._states[file] = file_state(os.path.join(self.raw, file)) if self.raw else None
        return self._states[file]

    @contextmanager
    def recording(self) -> Iterator[dict[str, FileState]]:
        """The files looked up inside the block, with their states: what the HTML made there depends on."""
        self._linked = linked = {}
        try:
            yield linked
        finally:
            self._linked = None

    def href(self, file: str | None, page: int | None = None) -> str | None:
        """The relative address that opens ``file`` (a path in the raw folder) at ``page``; None if not there."""
        if not file or self.raw is None:
            return None
        state = self.state(file)
        if self._linked is not None:
            self._linked[file] = state
        if state is None:
            return None
        path = self.raw / file
        if path.suffix.lower() == ".pdf":
            target = Path(os.path.relpath(path, self.out)).as_posix()
            return f"{target}#page={page}" if page else target
        target = self._text_copy(file, path)
        return f"{target}#page={page}" if target and page else target

    def link(self, file: str | None, page: int | None = None, label: str | None = None) -> str:
        """``file p. N`` (or ``label``) as HTML: a link where the file is there, plain text otherwise."""
        if not file:
            return "–"
        text = escape(label or (f"{file} p. {page}" if page else file))
        href = self.href(file, page)
        return f'<a href="{escape(href)}">{text}</a>' if href else text

    def checked_copies(self) -> dict[str, list]:
        """The copies this build found current, with their sources' states and their own (for the next build)."""
        return {file: self.known_copies[file] for file in self._copies if file in self.known_copies}

    def _text_copy(self, file: str, path: Path) -> str | None:
        if file not in self._copies:
            self._copies[file] = self._write_text_copy(file, path)
        return self._copies[file]

    def _write_text_copy(self, file: str, path: Path) -> str | None:
        name = f"{file.replace('/', '__')}.html"
        target = self.out / COPIES / name
        known = self.known_copies.get(file)
        if known is not None and known == [*self.state(file), *(file_state(target) or [])]:
            return f"{COPIES}/{name}"
        written = self._check_copy(file, path, target)
        if written is None:
            self.known_copies.pop(file, None)
        else:
            self.known_copies[file] = [*self.state(file), *(file_state(target) or [])]
        return written

    def _check_copy(self, file: str, path: Path, target: Path) -> str | None:
        """The copy's href after writing it if it is not current; None where the source cannot be read."""
        name = target.name
        try:
            stamp = f"<!-- {_copy_stamp(path)} -->"
        except OSError:
            return None
        if _first_line_after_doctype(target) == stamp:
            return f"{COPIES}/{name}"
        try:
            document = read_text_document(path)
        except (DocumentError, OSError):
            return None
        pages: dict[int, list[str]] = {}
        for line in document.lines:
            pages.setdefault(line.page, []).append(f'<span id="line-{line.line}">{line.line:>5}  '
                                                   f"{escape(line.text)}</span>")
        sections = [f'<section id="page={page}"><h2>{escape(file)} — p. {page}</h2><pre>' + "\n".join(lines)
                    + "</pre></section>" for page, lines in sorted(pages.items())]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'<!DOCTYPE html>\n{stamp}\n<html lang="zh-CN"><head><meta charset="utf-8">'
                          f"<title>{escape(file)}</title><style>{COPY_STYLE}</style></head><body>\n<h1>{escape(file)}</h1>\n"
                          + "\n".join(sections) + "\n</body></html>\n", encoding="utf-8")
        return f"{COPIES}/{name}"


@functools.cache
def _code_digest() -> bytes:
    """The code that reads a text report and writes its copy."""
    return hashlib.sha256(b"".join(Path(code).read_bytes() for code in (__file__, document_module.__file__))).digest()


def _copy_stamp(path: Path) -> str:
    """What a copy of ``path`` is written from: the file's bytes, and the code that reads and writes it."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(_code_digest())
    return f"source sha256 {digest.hexdigest()}"


def _first_line_after_doctype(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8") as copy:
            copy.readline()
            return copy.readline().rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return None
