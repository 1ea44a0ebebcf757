"""Text in spreadsheet cells: no value this package writes to a CSV or a workbook can run as a formula.

As OWASP advises against CSV injection, text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is written with a leading apostrophe (in a workbook: as text with Excel's quote prefix, the value
unchanged); this package's own readers take the apostrophe off again (``undo_defuse``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

#: A cell starting with one of these may run as a formula in a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula.

    >>> defuse_formula('=HYPERLINK("http://x")'), defuse_formula("@SUM(1)"), defuse_formula("Trauma")
    ('\\'=HYPERLINK("http://x")', "'@SUM(1)", 'Trauma')
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def undo_defuse(text: str) -> str:
    """Remove the apostrophe ``defuse_formula`` added (so what was exported imports back unchanged).

    >>> undo_defuse("'=1+1"), undo_defuse("'quoted'")
    ('=1+1', "'quoted'")
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def safe_cell(value: Any) -> Any:
    """A value as a CSV may hold it: text defused, numbers (negative ones too) and blanks as they are."""
    return defuse_formula(value) if isinstance(value, str) else value


def csv_text(rows: Iterable[Sequence[Any]], *, line_end: str = "\r\n") -> str:
    """Rows (the first one the header) as CSV text, every text cell defused.

    >>> print(csv_text([["label", "links"], ["=cmd|' /C calc'!A0", -3]], line_end="\\n"), end="")
    label,links
    '=cmd|' /C calc'!A0,-3
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def needs_quote_prefix(value: Any) -> bool:
    """Whether a workbook cell holding ``value`` must be stored as text with Excel's quote prefix."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
