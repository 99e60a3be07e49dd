"""What every page does for readers who do not use a mouse or the picture: a visible focus ring on every control,
code colours that keep WCAG AA contrast, visually hidden text for screen readers, a live region that says the
step-through's current step, table sort buttons and keys that step the pass (→ / ←; Page Down / Page Up in
presenter view, which is what a presenter's clicker sends).

One script, installed once per browser page: it listens at the document (so tables and step buttons drawn by
later reruns need nothing of their own). It only ever reads our own markup and clicks our own buttons.
"""

from __future__ import annotations

import html

import streamlit as st

# Code colours: Streamlit's syntax colours on its code background fail AA contrast (its keyword blue #1c83e1 is
# 3.7:1, comment grey #808495 3.5:1, boolean green #21c354 2.2:1). These are at least 4.5:1 on every
# background of our themes (the code block's, the secondary one, white / the dark theme's three).
TOKEN_COLOURS = {
    "light": {"keyword": "#0B5FA5", "comment": "#565B69", "boolean": "#0A7A3B", "number": "#00707A",
              "string": "#1B6E3C", "operator": "#A04A00", "url": "#7B3FA0", "property": "#0A6592",
              "important": "#B3261E"},
    "dark": {"keyword": "#7CC4FA", "comment": "#A9AEBB", "boolean": "#5FD38D", "number": "#4FD1C5",
             "string": "#8FE0A5", "operator": "#FFB26B", "url": "#D7A6F5", "property": "#8FD3FF",
             "important": "#FF8A80"},
}
TOKENS = {
    "keyword": (".token.keyword", ".token.tag", ".token.function", ".token.class-name", ".token.selector"),
    "comment": (".token.comment", ".token.prolog", ".token.doctype", ".token.cdata", ".token.punctuation"),
    "boolean": (".token.boolean", ".token.constant", ".token.symbol", ".token.inserted"),
    "number": (".token.number", ".token.regex"),
    "string": (".token.string", ".token.char", ".token.attr-value"),
    "operator": (".token.operator", ".token.entity", ".token.decorator", ".token.atrule"),
    "url": (".token.url",),
    "property": (".token.attr-name", ".token.property", ".token.variable"),
    "important": (".token.important", ".token.deleted"),
}
FOCUS = {"light": "#0072B2", "dark": "#56B4E9"}  # the theme's primary colour: 5.2:1 / 8.2:1 on its background

SR_ONLY = "agx-sr-only"


def css(theme: str) -> str:
    colours = TOKEN_COLOURS.get(theme, TOKEN_COLOURS["light"])
    tokens = "\n".join(f"[data-testid='stCode'] :is({', '.join(selectors)}) {{ color: {colours[name]} !important; }}"
                       for name, selectors in TOKENS.items())
    focus = FOCUS.get(theme, FOCUS["light"])
    return f"""
.{SR_ONLY} {{ position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }}
/* a focus ring you can see from the back of the room, on every control Tab reaches */
.stApp :is(a, button, input, textarea, select, summary, [tabindex]:not([tabindex='-1']), [role='slider'],
  [role='radio'], [role='checkbox'], [role='switch'], [role='combobox']):focus-visible {{
  outline: 3px solid {focus} !important; outline-offset: 2px !important; }}
/* the box of a checkbox / radio / toggle gets the ring, not the hidden input; a slider's thumb likewise */
.stApp label:has(input:focus-visible) {{ outline: 3px solid {focus}; outline-offset: 2px; border-radius: 4px; }}
.stApp [data-testid='stSlider'] div:has(> div > input[type='range']:focus-visible) {{
  outline: 3px solid {focus}; outline-offset: 3px; border-radius: 50%; }}
{tokens}
.agx-table-box {{ max-height: 28rem; overflow: auto; margin-bottom: 0.75rem; }}
.agx-graph-table {{ border-collapse: collapse; width: 100%; font-size: 0.85rem; }}
.agx-graph-table caption {{ text-align: left; font-weight: 600; padding: 0.25rem 0; caption-side: top; }}
.agx-graph-table th, .agx-graph-table td {{ border: 1px solid rgba(128, 128, 128, 0.45); padding: 0.2rem 0.45rem;
  text-align: left; vertical-align: top; }}
.agx-graph-table td.agx-value {{ font-family: 'Source Code Pro', monospace; overflow-wrap: anywhere; }}
.agx-graph-table thead th {{ position: sticky; top: 0; background: {'#262730' if theme == 'dark' else '#F0F2F6'};
  padding: 0; }}
.agx-graph-table thead button {{ all: unset; box-sizing: border-box; display: block; width: 100%; cursor: pointer;
  padding: 0.3rem 0.45rem; font-weight: 600; }}
.agx-graph-table thead button:focus-visible {{ outline: 3px solid {focus}; outline-offset: -3px; }}
.agx-graph-table th[aria-sort='ascending'] button::after {{ content: ' ▲'; }}
.agx-graph-table th[aria-sort='descending'] button::after {{ content: ' ▼'; }}
"""


# Installed once per browser page (window.agxReady). Keys: → / ← step the pass when the focus is on no field,
# slider, option group or graph (those use the arrows themselves); Page Down / Page Up too in presenter view.
# No letter keys: single-character shortcuts would fire under speech input (WCAG 2.1.4).
# Nothing in it may look like an HTML tag (not even in a comment): Streamlit's st.html then drops the script.
SCRIPT = """
<script>
(function () {
  if (window.agxReady) { return; }
  window.agxReady = true;
  const live = document.createElement('div');
  live.id = 'agx-live';
  live.className = 'agx-sr-only';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  document.body.appendChild(live);
  window.agxSay = function (text) {
    if (text && live.textContent !== text) { live.textContent = text; }
  };
  // a code block wider than its column scrolls: a keyboard user must be able to focus it to scroll it
  // (Streamlit's pre element has no tabindex); checked again whenever the page changes
  let pending = false;
  function focusableScrollers() {
    pending = false;
    document.querySelectorAll('[data-testid=stCode] pre').forEach(function (pre) {
      const scrolls = pre.scrollWidth > pre.clientWidth + 1 || pre.scrollHeight > pre.clientHeight + 1;
      if (scrolls && pre.tabIndex < 0) { pre.tabIndex = 0; }
    });
  }
  new MutationObserver(function () {
    if (!pending) { pending = true; requestAnimationFrame(focusableScrollers); }
  }).observe(document.body, {childList: true, subtree: true});
  window.addEventListener('resize', focusableScrollers);
  const OWN_KEYS = 'input, textarea, select, [contenteditable], [role=slider], [role=radiogroup], [role=radio], '
    + '[role=tablist], [role=listbox], [role=combobox], [role=grid], [role=application], svg, .js-plotly-plot';
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) { return; }
    const target = event.target;
    if (target && target.closest && target.closest(OWN_KEYS)) { return; }
    const presenting = !!document.querySelector('.agx-presenting');
    let key = null;
    if (event.key === 'ArrowRight' || (presenting && event.key === 'PageDown')) { key = 'step_next'; }
    if (event.key === 'ArrowLeft' || (presenting && event.key === 'PageUp')) { key = 'step_prev'; }
    if (!key || !document.querySelector('.st-key-' + key + ' button')) { return; }
    event.preventDefault();
    queued.push(key);
    if (queued.length === 1) { step(); }
  });
  // Keys pressed while the app still runs the last step are queued and clicked one at a time once it is idle:
  // two clicks of the same button before the app has answered the first make one rerun, and a step is lost.
  // Settled means the page has announced a step since the last click (`before`: what it said then), no run is
  // going on, and the step slider shows the step announced (the server also ignores a slider that lags behind a
  // click: explorer/ui/step_through_page.py). Five seconds of waiting end the wait whatever the page shows.
  const queued = [];
  let waited = 0;
  let before = null;
  function settled() {
    if (before !== null && live.textContent === before) { return false; }
    if (document.querySelector('[data-testid=stStatusWidget]')) { return false; }
    const slider = document.querySelector('.st-key-step_slider [role=slider]');
    const said = /(\\d+)\\//.exec(live.textContent || '');
    return !slider || !said || slider.getAttribute('aria-valuenow') === said[1];
  }
  function step() {
    if (!queued.length) { return; }
    if (!settled() && waited < 50) { waited += 1; setTimeout(step, 100); return; }
    waited = 0;
    before = null;
    const button = document.querySelector('.st-key-' + queued.shift() + ' button');
    if (button && !button.disabled) { before = live.textContent; button.click(); }
    if (queued.length) { setTimeout(step, 100); }
  }
  document.addEventListener('click', function (event) {
    const button = event.target.closest && event.target.closest('button[data-agx-sort]');
    if (!button) { return; }
    const th = button.closest('th');
    const table = button.closest('table');
    const column = Array.prototype.indexOf.call(th.parentNode.children, th);
    const descending = th.getAttribute('aria-sort') === 'ascending';
    const numeric = button.dataset.agxSort === 'number';
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const cell = (row) => row.cells[column];
    rows.sort(function (a, b) {
      let order;
      if (numeric) {
        order = parseFloat(cell(a).dataset.sort) - parseFloat(cell(b).dataset.sort);
      } else {
        order = cell(a).textContent.localeCompare(cell(b).textContent, undefined, {numeric: true});
      }
      if (descending) { order = -order; }
      return order || (parseInt(a.dataset.order, 10) - parseInt(b.dataset.order, 10));
    });
    rows.forEach((row) => body.appendChild(row));
    table.querySelectorAll('thead th').forEach((other) => other.removeAttribute('aria-sort'));
    th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    const said = table.dataset.sorted.replace('{column}', button.textContent)
      .replace('{order}', descending ? table.dataset.descending : table.dataset.ascending);
    window.agxSay(said);
  });
})();
</script>
"""


HTML_LANG = {"en": "en", "zh": "zh-CN"}


def setup(theme: str, lang: str) -> None:
    """On every page, before anything else: the CSS, the script, and the page's language on its html element
    (Streamlit's says "en" always; a screen reader reads Chinese with an English voice then: WCAG 3.1.1)."""
    st.html(f"<style>{css(theme)}</style>")
    st.html(SCRIPT, unsafe_allow_javascript=True)
    st.html(f"<script>document.documentElement.lang = '{HTML_LANG.get(lang, 'en')}';</script>",
            unsafe_allow_javascript=True)


def hidden_text(text: str) -> None:
    """Text only a screen reader reads (a graph's summary next to the graph)."""
    st.html(f'<p class="{SR_ONLY}">{html.escape(text)}</p>')


def announce(text: str) -> None:
    """Say `text` through the page's live region (the step-through's current step), once per change."""
    st.html(f'<span hidden data-agx-say="{html.escape(text, quote=True)}"></span>'
            "<script>(function () { const all = document.querySelectorAll('[data-agx-say]');"
            " if (window.agxSay && all.length) { window.agxSay(all[all.length - 1].dataset.agxSay); } })();"
            "</script>", unsafe_allow_javascript=True)
