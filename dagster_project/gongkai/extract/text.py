"""Text normalization and number reading shared by every parser."""

from __future__ import annotations

from gongkai.extract.pattern_cache import compiled

REPLACEMENT = "\ufffd"

# Traditional characters seen in mirrored copies of reports, mapped to the simplified forms the parsers match on.
_TRADITIONAL = str.maketrans("決財撥預務總經費項門單關會計據點數鄉鎮與業開線變綜繫醫療衛養並為發體產農處區補貼購設備標資負債廳屬縣級機構規劃營運質優實際報稅價應聯網龍遼寧蘇滬電郵車輛採類別動態畫當調險權責築興盡鐵橋護專億萬況說餘結轉細種則條團國職員傳來這個從內對圍戶辦鐘幣礎遞術縮", "决财拨预务总经费项门单关会计据点数乡镇与业开线变综系医疗卫养并为发体产农处区补贴购设备标资负债厅属县级机构规划营运质优实际报税价应联网龙辽宁苏沪电邮车辆采类别动态画当调险权责筑兴尽铁桥护专亿万况说余结转细种则条团国职员传来这个从内对围户办钟币础递术缩")

AMOUNT = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
AMOUNT_RE = compiled(rf"^(?:{AMOUNT})$")
_AMOUNT_TOKEN = compiled(rf"(?<![\d.,])(?:{AMOUNT})(?![\d.,]*\d)")


def restore_brackets(text: str) -> str:
    """Turn U+FFFD left where full-width brackets were back into （ and ）, alternating within the line."""
    if REPLACEMENT not in text:
        return text
    out: list[str] = []
    opening = True
    for ch in text:
        if ch == REPLACEMENT:
            out.append("（" if opening else "）")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


_HAS_TRADITIONAL = compiled("[" + "".join(chr(c) for c in _TRADITIONAL) + "]")


def has_traditional(text: str) -> bool:
    """Whether the text holds a traditional character that to_simplified turns into its simplified form."""
    return _HAS_TRADITIONAL.search(text) is not None


def to_simplified(text: str) -> str:
    # translate() looks every character up in a dict; a regex scan first is far cheaper for simplified text
    return text.translate(_TRADITIONAL) if _HAS_TRADITIONAL.search(text) else text


def squeeze(text: str) -> str:
    """Remove all whitespace (PDF text often spaces out CJK characters) for matching titles and labels."""
    return "".join(text.split())


def is_amount(token: str) -> bool:
    return bool(AMOUNT_RE.match(token))


def parse_amount(token: str) -> float:
    """'1,744.54' → 1744.54. Raises ValueError on anything else."""
    if not AMOUNT_RE.match(token):
        raise ValueError(f"not an amount: {token!r}")
    return float(token.replace(",", ""))


def amount_tokens(text: str) -> list[str]:
    return _AMOUNT_TOKEN.findall(text)


def to_wan(value: float, unit: str) -> float:
    """Convert an amount printed in ``unit`` (万元 or 元) to 万元."""
    return round(value / 10000, 6) if unit == "元" else value


def nearly_equal(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance + 1e-9
