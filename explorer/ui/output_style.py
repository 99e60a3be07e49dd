"""How a run's output looks on the Playground, as a notebook shows it: what the program printed (stdout) in code
blocks, and a warning or a cell's error in between, where it happened, in a notebook's stderr style (a tinted
block with a coloured rule: yellow for a warning, red for an error), readable on a projector. No streamlit import:
the page draws the blocks this returns.
"""

from __future__ import annotations

import html

from explorer.sandbox.result import OutputEntry, render_outputs
from explorer.text import t

# the stderr blocks: the code blocks' monospace font and size, colours with a contrast of 7:1 or more on their
# tint in the light theme and the dark one (Jupyter tints stderr; the rule keeps the kind visible in greyscale)
STYLE = """<style>
.program-stderr { font-family: 'Source Code Pro', monospace; font-size: 0.95rem; line-height: 1.5;
  white-space: pre-wrap; overflow-wrap: anywhere; padding: 0.6rem 1rem; margin: 0; border-radius: 0.25rem;
  border-left: 0.35rem solid; }
.program-stderr .kind { display: block; font-family: 'Source Sans Pro', sans-serif; font-size: 0.8rem;
  font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase; margin-bottom: 0.15rem; }
.program-stderr.warning { background: #fff8e1; color: #3d2e00; border-color: #b58900; }
.program-stderr.error { background: #fdecea; color: #5c0b0b; border-color: #c62828; }
@media (prefers-color-scheme: dark) {
  .program-stderr.warning { background: #2e2600; color: #ffe9a8; border-color: #e0b000; }
  .program-stderr.error { background: #3a1212; color: #ffd0cc; border-color: #ff6b5e; }
}
</style>"""


def blocks(outputs: list[OutputEntry], lang: str) -> list[tuple[str, str]]:
    """The output as ("stdout" | "warning" | "error", text) blocks in order: consecutive prints and shown values
    make one stdout block (as RunResult.text joins them); each warning and each cell's error is a block of its
    own, an error as `line N: message` (the words the command line prints)."""
    out: list[tuple[str, str]] = []
    run: list[OutputEntry] = []

    def flush() -> None:
        text = render_outputs(run, lang)
        if text:
            out.append(("stdout", text))
        run.clear()

    for entry in outputs:
        if entry.kind in ("warning", "error"):
            flush()
            text = render_outputs([entry], lang).rstrip("\n")
            out.append((entry.kind, text))
        else:
            run.append(entry)
    flush()
    return out


def stderr_html(kind: str, text: str, lang: str) -> str:
    """A warning or an error block: the program's text escaped (never markup), headed by its kind in words."""
    # a note, not an alert: the error box next to the editor is the page's one alert for it
    role = "note"
    label = t("play.output_error" if kind == "error" else "play.output_warning", lang)
    return (f'<div class="program-stderr {kind}" role="{role}"><span class="kind">{html.escape(label)}</span>'
            f"{html.escape(text)}</div>")
