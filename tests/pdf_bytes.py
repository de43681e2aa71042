"""Small PDFs written byte by byte, for the tests of what the reader makes of odd files: numbered objects (object 1
the catalog), their cross-reference table and the trailer."""

from __future__ import annotations


def raw_pdf(objects: list[bytes], trailer: str = "") -> bytes:
    """A PDF of ``objects``, numbered from 1; ``trailer`` adds entries to the trailer dictionary."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(content: bytes, extra: bytes = b"") -> bytes:
    """A stream object; ``extra`` adds entries to its dictionary after /Length."""
    return b"<< /Length " + str(len(content)).encode() + extra + b" >>\nstream\n" + content + b"\nendstream"


def scanned_pdf() -> bytes:
    """One A4 page holding only a (grey 8×8) image: a scan without a text layer."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        stream(b"q 500 0 0 700 47 71 cm /Im1 Do Q"),
        stream(bytes(range(0, 256, 4)), b" /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
                                        b"/BitsPerComponent 8"),
    ])
