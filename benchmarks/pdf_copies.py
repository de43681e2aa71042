"""Distinct copies of a real PDF report for the scale benchmark (real_pdfs.py): same pages, text and numbers, another
department — so neither the file's sha256 nor the content fingerprint (warehouse/content.py: identity + cells +
facts) takes a copy for the original.

Copy k renames the department the way a reader of the text sees it: one character of the department's name is
mapped, in every ToUnicode CMap of the file that maps a code to it, to the k-th of a run of rare CJK characters
(U+9E00 onwards, none of them a traditional form the parser simplifies). The original bytes stay; the new CMap
streams and an xref section for them are appended (a PDF incremental update). The character is one the report
prints only inside the department's name: :func:`plan_copies` tries the name's characters, rarest first, until a
copy parses to the original's tables, numbers and facts under another department name (names that contain the
department's, such as its units' in the tables, change with it).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

#: Replacement characters: rare CJK ideographs the text normaliser leaves alone.
_FIRST_REPLACEMENT = 0x9E00
_CODESPACE = re.compile(rb"begincodespacerange(.*?)endcodespacerange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_STARTXREF = re.compile(rb"startxref\s+(\d+)")


def replacements(count: int) -> list[str]:
    from gongkai.extract.text import to_simplified

    found = []
    code = _FIRST_REPLACEMENT
    while len(found) < count:
        ch = chr(code)
        if to_simplified(ch) == ch and ch.isidentifier():
            found.append(ch)
        code += 1
        if code > 0x9FA5:
            raise ValueError(f"no more than {len(found)} replacement characters")
    return found


def _unicode_maps(data: bytes):
    """(object id, code width in bytes, {code: text}) of every ToUnicode CMap stream of the file."""
    from pdfminer.cmapdb import CMapParser, FileUnicodeMap
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    seen = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                obj = document.getobj(objid)
            except Exception:  # noqa: BLE001 - a broken object is not a CMap
                continue
            if not isinstance(obj, PDFStream):
                continue
            try:
                stream = obj.get_data()
            except Exception:  # noqa: BLE001
                continue
            if b"begincmap" not in stream[:4000] or b"beginbf" not in stream:
                continue
            space = _CODESPACE.search(stream)
            widths = {len(h) // 2 for h in _HEX.findall(space.group(1))} if space else set()
            if len(widths) != 1:
                continue  # codes of mixed widths: not rewritten
            cmap = FileUnicodeMap()
            CMapParser(cmap, io.BytesIO(stream)).run()
            yield objid, widths.pop(), dict(cmap.cid2unichr)


def _cmap_stream(width: int, mapping: dict[int, str]) -> bytes:
    """A ToUnicode CMap of ``mapping`` (bfchar entries, 100 a block)."""
    head = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
            b"<< /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n"
            b"/CMapType 2 def\n1 begincodespacerange\n<" + b"00" * width + b"> <" + b"FF" * width
            + b">\nendcodespacerange\n")
    entries = sorted(mapping.items())
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        lines = [f"<{code:0{width * 2}X}> <{text.encode('utf-16-be').hex().upper()}>".encode()
                 for code, text in chunk]
        blocks.append(f"{len(chunk)} beginbfchar\n".encode() + b"\n".join(lines) + b"\nendbfchar\n")
    return head + b"".join(blocks) + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


class Renamer:
    """Copies of one file with every ToUnicode mapping to ``old`` mapping to another character (an incremental
    update). The file is parsed once; ``bool(renamer)`` says whether any CMap maps to ``old``."""

    def __init__(self, data: bytes, old: str):
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        self.data = data if data.endswith(b"\n") else data + b"\n"
        self.old = old
        self.maps = [(objid, width, mapping) for objid, width, mapping in _unicode_maps(data)
                     if old in mapping.values()]
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        trailer = document.xrefs[0].get_trailer()
        size = max(int(x.get_trailer().get("Size", 0)) for x in document.xrefs)
        previous = [int(m.group(1)) for m in _STARTXREF.finditer(data)][-1]
        fields = [f"/Size {max([size] + [objid + 1 for objid, _, _ in self.maps])}",
                  f"/Root {trailer['Root'].objid} 0 R", f"/Prev {previous}"]
        if "Info" in trailer:
            fields.append(f"/Info {trailer['Info'].objid} 0 R")
        ids = trailer.get("ID")
        if isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, bytes) for i in ids):
            fields.append(f"/ID [<{ids[0].hex()}> <{ids[1].hex()}>]")
        self.trailer = " ".join(fields)

    def __bool__(self) -> bool:
        return bool(self.maps)

    def copy(self, new: str) -> bytes:
        out = bytearray(self.data)
        offsets = {}
        for objid, width, mapping in self.maps:
            stream = _cmap_stream(width, {code: text.replace(self.old, new) for code, text in mapping.items()})
            offsets[objid] = len(out)
            out += f"{objid} 0 obj\n<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream\nendobj\n"
        xref_at = len(out)
        out += b"xref\n"
        for objid, offset in sorted(offsets.items()):
            out += f"{objid} 1\n{offset:010d} 00000 n\r\n".encode()
        out += f"trailer\n<< {self.trailer} >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
        return bytes(out)


def _numbers(report) -> tuple:
    """What the parser read, but for names: every table's cells and every fact's value, in order."""
    cells = [(table.family, len(table.rows), [cell.value for row in table.rows for cell in row.cells])
             for table in report.tables]
    facts = sorted((fact.key, fact.value or 0.0, fact.unit or "") for fact in report.narrative)
    return report.fiscal_year, report.kind, cells, facts, len(report.checks)


def plan_copies(path: Path) -> tuple[str, str] | None:
    """(department, the character copies rename) for a real PDF report; None if no character of the department's
    name can be renamed leaving every table, number and fact as they are (or the file is not a report)."""
    from gongkai.extract.document import read_document
    from gongkai.extract.parser import ParseError, parse_document
    from gongkai.extract.text import squeeze

    document = read_document(path)
    try:
        report = parse_document(document)
    except ParseError:
        return None
    department = report.department or ""
    if not department:
        return None
    data = path.read_bytes()
    text = "".join(squeeze(line.text) for line in document.lines)
    candidates = sorted(dict.fromkeys(ch for ch in department if "\u4e00" <= ch <= "\u9fff"), key=text.count)
    trial = replacements(1)[0]
    for ch in candidates:
        renamer = Renamer(data, ch)
        if not renamer:
            continue
        renamed = _parse_bytes(path, renamer.copy(trial))
        if renamed is not None and renamed.department == department.replace(ch, trial) \
                and _numbers(renamed) == _numbers(report):
            return department, ch
    return None


def _parse_bytes(path: Path, data: bytes):
    import tempfile

    from gongkai.extract.parser import ParseError, parse_file

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        try:
            return parse_file(copy)
        except ParseError:
            return None
