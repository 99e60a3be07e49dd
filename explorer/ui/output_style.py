"""How a run's output looks on the Playground, as a notebook shows it: what the program printed (stdout) in text
blocks, and a warning or a cell's error in between, where it happened, in a notebook's stderr style (a tinted
block with a coloured rule: yellow for a warning, red for an error), readable on a projector. No streamlit import:
the pages draw the blocks this returns.

Plain text (the output, a step's text, a node's details) is an escaped `<pre>`, not `st.code`: st.code, even
without a language, loads Streamlit's syntax highlighter, 1.56 MB of script that a new visitor's browser fetched
and compiled before the first page showed its output (about 0.4 s of the first page's 1.7 s). st.code stays
where colour helps: Python source, on the Lessons page and in an exercise.
"""

from __future__ import annotations

import html

from explorer.sandbox.result import OutputEntry, render_outputs
from explorer.text import t

# the theme's code-block colours (what st.code shows), and the stderr blocks' colours, with a contrast of 7:1 or
# more on their tint (Jupyter tints stderr; the rule keeps the kind visible in greyscale)
COLOURS = {
    "light": {"text_bg": "#f8f9fb", "text": "#111111", "warning": ("#fff8e1", "#3d2e00", "#b58900"),
              "error": ("#fdecea", "#5c0b0b", "#c62828")},
    "dark": {"text_bg": "#1a1c24", "text": "#f2f2f2", "warning": ("#2e2600", "#ffe9a8", "#e0b000"),
             "error": ("#3a1212", "#ffd0cc", "#ff6b5e")},
}


def css(theme: str) -> str:
    """The text blocks' and stderr blocks' style: the code blocks' monospace font and size, lines that wrap
    rather than hide past the edge (80 columns fit at 1600 px)."""
    c = COLOURS.get(theme, COLOURS["light"])
    kinds = "\n".join(f".program-stderr.{kind} {{ background: {bg}; color: {fg}; border-color: {rule}; }}"
                      for kind in ("warning", "error") for bg, fg, rule in [c[kind]])
    return f"""
.text-block, .program-stderr {{ font-family: 'Source Code Pro', monospace; font-size: 0.95rem; line-height: 1.6;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 0.25rem 0; border-radius: 0.5rem; }}
.text-block {{ background: {c["text_bg"]}; color: {c["text"]}; padding: 1rem; }}
.program-stderr {{ padding: 0.6rem 1rem; border-radius: 0.25rem; border-left: 0.35rem solid; }}
.program-stderr .kind {{ display: block; font-family: 'Source Sans Pro', sans-serif; font-size: 0.8rem;
  font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase; margin-bottom: 0.15rem; }}
{kinds}
"""


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


def text_html(text: str) -> str:
    """Plain text as a block: escaped (a program's text is never markup), without its last newlines (a print's)."""
    shown = html.escape(text.rstrip("\n"))
    return f'<pre class="text-block">{shown}</pre>'


def stderr_html(kind: str, text: str, lang: str) -> str:
    """A warning or an error block: the program's text escaped (never markup), headed by its kind in words."""
    # a note, not an alert: the error box next to the editor is the page's one alert for it
    role = "note"
    label = t("play.output_error" if kind == "error" else "play.output_warning", lang)
    return (f'<div class="program-stderr {kind}" role="{role}"><span class="kind">{html.escape(label)}</span>'
            f"{html.escape(text)}</div>")
