"""Read a drawn graph's label boxes from the rendered SVG and say what is wrong with them: two labels that
overlap, a label over another node's marker or under the step's ring, a label cut off (outside the plot area or
outside what its scrolling box shows), a part's title over anything. Used by the browser tests and by the
screenshots script."""

from __future__ import annotations

# Every Plotly graph on the page: its labels (the trace meta "labels"), node markers, the ring, part titles,
# and the rectangle in which they can be seen (the plot area, cut by every ancestor that clips).
MEASURE = """() => {
  const rect = r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const out = [];
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const meta = (gd.layout && gd.layout.meta) || {};
    if (meta.highlight_trace === undefined) continue;  // not a graph of ours
    // the plot area: where Plotly lets a user drag, exactly the axes' rectangle
    let clip = rect(gd.querySelector('.draglayer .nsewdrag').getBoundingClientRect());
    // what the page shows without scrolling sideways: every box that clips or scrolls across cuts x (down, the
    // page itself scrolls)
    for (let e = gd.parentElement; e; e = e.parentElement) {
      const r = e.getBoundingClientRect();
      if (getComputedStyle(e).overflowX !== 'visible') {
        clip = {...clip, x0: Math.max(clip.x0, r.left), x1: Math.min(clip.x1, r.right)};
      }
    }
    const traces = gd.querySelectorAll('.scatterlayer .trace');
    const labels = [], markers = [], ring = [], titles = [];
    traces.forEach(trace => {
      // Plotly draws no element for an empty trace: the data index comes from the trace's bound data
      const i = trace.__data__ && trace.__data__[0] && trace.__data__[0].trace ? trace.__data__[0].trace.index : -1;
      const data = gd.data[i] || {};
      // (figures from before the labels had their own trace drew them beside the markers)
      if (i === meta.labels_trace || (meta.labels_trace === undefined && trace.querySelector('.textpoint text'))) {
        trace.querySelectorAll('.textpoint text').forEach((t, k) => {
          const r = t.getBoundingClientRect();
          if (r.width > 0) labels.push({...rect(r), text: t.textContent, node: (data.customdata || [])[k]});
        });
      } else if (i === meta.highlight_trace) {
        trace.querySelectorAll('.points path').forEach(p => ring.push(rect(p.getBoundingClientRect())));
      }
      const node = i !== meta.labels_trace && i !== meta.highlight_trace && !['linked', 'found'].includes(data.name);
      if (node && (data.mode || '').includes('markers') && data.customdata) {
        trace.querySelectorAll('.points path').forEach((p, k) => {
          markers.push({...rect(p.getBoundingClientRect()), node: data.customdata[k]});
        });
      }
    });
    gd.querySelectorAll('.annotation').forEach(a => {
      const t = a.querySelector('.annotation-text');
      const spec = (gd.layout.annotations || [])[Number(a.getAttribute('data-index'))] || {};
      if (t && spec.name === 'part-title') titles.push({...rect(t.getBoundingClientRect()), text: t.textContent});
    });
    const svg = gd.querySelector('.main-svg').getBoundingClientRect();
    out.push({clip, labels, markers, ring, titles, title: (gd.layout.title || {}).text || '',
              width: svg.width, layoutWidth: gd.layout.width});
  }
  return out;
}"""

SLACK = 1.0  # px: boxes that merely touch do not overlap


def _overlap(a: dict, b: dict, slack: float = SLACK) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > slack
            and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > slack)


def _inside(a: dict, c: dict) -> bool:
    return a["x0"] >= c["x0"] - SLACK and a["x1"] <= c["x1"] + SLACK and a["y0"] >= c["y0"] - SLACK \
        and a["y1"] <= c["y1"] + SLACK


def problems(plot: dict) -> list[str]:
    """What is wrong with one measured plot, as sentences (empty: every label readable)."""
    found = []
    labels, markers = plot["labels"], plot["markers"]
    if plot.get("layoutWidth") and abs(plot["width"] - plot["layoutWidth"]) > 1:
        found.append(f"drawn {plot['width']:.0f} px wide, laid out for {plot['layoutWidth']} px: labels no "
                     f"longer fit as laid out")
    for a in labels:
        if not _inside(a, plot["clip"]):
            found.append(f"label {a['text']!r} is cut off")
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if _overlap(a, b):
                found.append(f"labels {a['text']!r} and {b['text']!r} overlap")
        for m in markers:
            if _overlap(a, m):
                found.append(f"label {a['text']!r} runs into the marker of {m['node']}")
        for r in plot["ring"]:
            if _overlap(a, r):
                found.append(f"the ring covers label {a['text']!r}")
    for title in plot["titles"]:
        if not _inside(title, plot["clip"]):
            found.append(f"title {title['text']!r} is cut off")
        for a in labels + markers:
            if _overlap(title, a):
                found.append(f"title {title['text']!r} runs into {a.get('text') or a.get('node')!r}")
    return found


READY = """() => [...document.querySelectorAll('.js-plotly-plot')].some(gd => gd.layout && gd.layout.meta
    && gd.layout.meta.highlight_trace !== undefined && gd.querySelector('.scatterlayer .trace .textpoint text'))"""


def measure(page, timeout: float = 60_000) -> list[dict]:
    """The measured graphs on the page, once one has drawn its labels."""
    page.wait_for_function(READY, timeout=timeout)
    page.wait_for_timeout(300)
    return page.evaluate(MEASURE)


NODE_POINT = """(start) => {
  const gd = document.querySelector('.js-plotly-plot');
  const meta = gd.layout.meta, labels = gd.data[meta.labels_trace];
  const k = labels.text.findIndex(t => t.replace(/<[^>]+>/g, '').startsWith(start));
  if (k < 0) return null;
  const node = labels.customdata[k];
  for (const trace of gd.data) {
    if (trace.mode !== 'markers' || !trace.customdata || trace === gd.data[meta.highlight_trace]) continue;
    const i = trace.customdata.indexOf(node);
    if (i < 0) continue;
    const full = gd._fullLayout;
    const at = () => {
      const svg = gd.querySelector('.main-svg').getBoundingClientRect();
      return {node, x: svg.left + full._size.l + full.xaxis.l2p(trace.x[i]),
              y: svg.top + full._size.t + full.yaxis.l2p(trace.y[i])};
    };
    // scroll the page (Streamlit's main box scrolls, not the window) to bring the node to the middle
    for (let e = gd.parentElement; e; e = e.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight) {
        e.scrollTop += at().y - window.innerHeight / 2;
        break;
      }
    }
    return at();
  }
  return null;
}"""


def node_point(page, label_start: str) -> dict:
    """Where on the page the marker of the node whose label starts with `label_start` is: {node, x, y}."""
    point = page.evaluate(NODE_POINT, label_start)
    assert point is not None, f"no node labelled {label_start!r}"
    return point
