"""Each figure's source as a link that opens the report at its page, from disk, with no network.

A PDF is linked where it lies, relative to the site (``../../raw/2024_x_final.pdf#page=5``: the browser's PDF viewer
opens page 5). A text report has no pages a browser knows, so the site writes a copy of it as HTML, one section per
page (``files/<name>.html#page=5``), each line with its number in the file. A file the raw folder no longer holds
is named without a link.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from gongkai.extract.document import DocumentError, read_text_document

COPIES = "files"  # the site's folder for the HTML copies of text reports
COPY_STYLE = ("body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:24px;color:#222}"
              "section{border-top:1px solid #ccc;margin-top:16px}h2{font-size:14px;color:#555}"
              "pre{white-space:pre-wrap;font-family:inherit;font-size:13px}:target{background:#fffbe6}")


class SourceLinks:
    """Links from the site in ``out`` to the report files of the raw folder ``raw`` (None: names only)."""

    def __init__(self, raw: Path | None, out: Path):
        self.raw = Path(raw).absolute() if raw else None
        self.out = Path(out).absolute()
        self._copies: dict[str, str | None] = {}  # text file → its copy's href (None: unreadable)

    def href(self, file: str | None, page: int | None = None) -> str | None:
        """The relative address that opens ``file`` (a path in the raw folder) at ``page``; None if not there."""
        if not file or self.raw is None:
            return None
        path = self.raw / file
        if not path.is_file():
            return None
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

    def _text_copy(self, file: str, path: Path) -> str | None:
        if file not in self._copies:
            self._copies[file] = self._write_text_copy(file, path)
        return self._copies[file]

    def _write_text_copy(self, file: str, path: Path) -> str | None:
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
        name = f"{file.replace('/', '__')}.html"
        target = self.out / COPIES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(file)}'
                          f"</title><style>{COPY_STYLE}</style></head><body>\n<h1>{escape(file)}</h1>\n"
                          + "\n".join(sections) + "\n</body></html>\n", encoding="utf-8")
        return f"{COPIES}/{name}"
