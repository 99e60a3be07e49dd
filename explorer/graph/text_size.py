"""How much room a label takes on screen, in pixels, before any browser has drawn it.

Graph labels are drawn in a monospace font (LABEL_FONT): every common monospace face (DejaVu Sans Mono,
Liberation Mono, Noto Sans Mono, Menlo, Consolas, Courier New) advances 0.55-0.61 em per Latin character and
1 em per CJK character, so a label's width is known from its text alone, on any machine. The layout places
nodes with these sizes; the browser tests measure the drawn labels and check that none overlap.
"""

from __future__ import annotations

import html
import re
import unicodedata

LABEL_FONT = "'DejaVu Sans Mono', 'Liberation Mono', 'Noto Sans Mono', Menlo, Consolas, 'Courier New', monospace"
LABEL_PX = 15  # label font size: readable from the back of a classroom
TITLE_PX = 16  # a part's title
# a Latin character's advance in em: the widest of the common monospace faces, rounded up
NARROW_EM = 0.62
WIDE_EM = 1.02  # CJK and other full-width characters
LINE_SPACING = 1.3  # Plotly's distance between lines of one text, in em
ASCENT_EM = 0.95  # a line's ink above and below its baseline, in em: generous, accents included
DESCENT_EM = 0.3

_TAG = re.compile(r"<[^>]+>")


def char_em(ch: str) -> float:
    if unicodedata.combining(ch):
        return 0.0
    return WIDE_EM if unicodedata.east_asian_width(ch) in ("W", "F") else NARROW_EM


def plain_lines(text: str) -> list[str]:
    """The lines of a Plotly text (its `<br>` breaks), without tags and entities."""
    return [html.unescape(_TAG.sub("", line)) for line in re.split(r"<br\s*/?>", text)]


def text_width(text: str, px: float = LABEL_PX) -> float:
    """Width in pixels of the widest line of a Plotly text in the label font."""
    return max((sum(char_em(c) for c in line) for line in plain_lines(text)), default=0.0) * px


def text_height(text: str, px: float = LABEL_PX) -> float:
    """Height in pixels of a Plotly text's lines, from the top of the first to the bottom of the last."""
    lines = len(plain_lines(text))
    return ((lines - 1) * LINE_SPACING + ASCENT_EM + DESCENT_EM) * px
