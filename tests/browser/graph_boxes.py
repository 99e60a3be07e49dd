"""Read a drawn graph's label boxes from the rendered SVG and say what is wrong with them: two labels that
overlap, a label over another node's marker or under the step's ring, a label cut off (outside the plot area or
outside what its scrolling box shows), a part's title over anything. Used by the browser tests and by the
screenshots script."""

from __future__ import annotations

# Every graph on the page (explorer/graph/svg.py, drawn by explorer/ui/graph_chart.py): its labels, node markers,
# the ring, part titles, and the rectangle in which they can be seen (the picture, cut by every ancestor that
# clips or scrolls across).
MEASURE = """() => {
  const rect = r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const out = [];
  for (const svg of document.querySelectorAll('svg.autograd-graph')) {
    // the plot area: where the drawing goes, between the title and the legend (data-plot, in the SVG's pixels)
    const at = svg.getBoundingClientRect();
    const [px0, py0, px1, py1] = svg.getAttribute('data-plot').split(' ').map(Number);
    let clip = {x0: at.left + px0, y0: at.top + py0, x1: at.left + px1, y1: at.top + py1};
    for (let e = svg.parentElement; e; e = e.parentElement) {
      const r = e.getBoundingClientRect();
      if (getComputedStyle(e).overflowX !== 'visible') {
        clip = {...clip, x0: Math.max(clip.x0, r.left), x1: Math.min(clip.x1, r.right)};
      }
    }
    const labels = [], markers = [], ring = [], titles = [];
    svg.querySelectorAll('g.node').forEach(g => {
      const node = g.getAttribute('data-node');
      const label = g.querySelector('text.label');
      if (label) {
        const r = label.getBoundingClientRect();
        if (r.width > 0) labels.push({...rect(r), text: label.textContent, node});
      }
      markers.push({...rect(g.querySelector('.marker').getBoundingClientRect()), node});
      g.querySelectorAll('circle.highlight').forEach(c => ring.push(rect(c.getBoundingClientRect())));
    });
    svg.querySelectorAll('text.part-title').forEach(t => titles.push({...rect(t.getBoundingClientRect()),
                                                                      text: t.textContent}));
    out.push({clip, labels, markers, ring, titles, title: svg.getAttribute('aria-label') || '',
              width: svg.getBoundingClientRect().width, layoutWidth: Number(svg.getAttribute('width'))});
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


READY = """() => [...document.querySelectorAll('svg.autograd-graph')].some(svg => svg.querySelector('g.node'))"""


def measure(page, timeout: float = 60_000) -> list[dict]:
    """The measured graphs on the page, once one has drawn its nodes."""
    page.wait_for_function(READY, timeout=timeout)
    page.wait_for_timeout(300)
    return page.evaluate(MEASURE)


NODE_POINT = """(start) => {
  for (const g of document.querySelectorAll('svg.autograd-graph g.node')) {
    const label = g.querySelector('text.label');
    if (!label || !label.textContent.startsWith(start)) continue;
    g.scrollIntoView({block: 'center', inline: 'center'});
    const r = g.querySelector('.marker').getBoundingClientRect();
    return {node: g.getAttribute('data-node'), x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
  }
  return null;
}"""


def node_point(page, label_start: str) -> dict:
    """Where on the page the marker of the node whose label starts with `label_start` is: {node, x, y}."""
    point = page.evaluate(NODE_POINT, label_start)
    assert point is not None, f"no node labelled {label_start!r}"
    return point
