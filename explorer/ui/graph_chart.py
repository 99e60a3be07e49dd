"""A graph on a page: the SVG of explorer/graph/svg.py in a Streamlit component (components v2, inline, no iframe,
no Plotly). Drawn one layout unit a pixel; a graph wider than its column scrolls sideways inside the column
instead of being squeezed (squeezing would make its labels, whose font size is fixed, run into each other).

A click on a node, or Enter/Space on a focused one, sends the node back (a trigger value, `clicked`); the arrow
keys move the focus to the nearest node that way, Home/End to the first/last. After the rerun that redraws the
graph, the focus goes back to the node it was on, so a keyboard user can go on from there. A small button saves
the picture as PNG (drawn by the browser at twice its size) or as the SVG itself.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

CSS = """
.ag-graph { position: relative; }
.ag-graph .ag-scroll { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
.ag-graph svg.autograd-graph { display: block; max-width: none; }
.ag-graph .node { cursor: pointer; pointer-events: bounding-box; }
.ag-graph .node:focus { outline: none; }
.ag-graph .node:focus-visible .marker, .ag-graph .node:hover .marker { filter: drop-shadow(0 0 3px #0072B2); }
.ag-graph .node:focus-visible { outline: 3px solid #0072B2; outline-offset: 3px; }
.ag-graph .ag-save { position: absolute; top: 4px; right: 4px; font-size: 0.8rem; padding: 2px 8px;
  border: 1px solid rgba(128, 128, 128, 0.5); border-radius: 6px; background: transparent; color: inherit;
  cursor: pointer; }
"""

HTML = '<div class="ag-graph"><button type="button" class="ag-save"></button><div class="ag-scroll"></div></div>'

JS = r"""
const NAV = {ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1]};

function nodes(root) { return [...root.querySelectorAll('.ag-scroll [data-node]')]; }

function at(g) { return [Number(g.dataset.x), Number(g.dataset.y)]; }

// the nearest node in the arrow's direction: along it counts once, across it twice
function next(root, from, key) {
  const [dx, dy] = NAV[key];
  const [x0, y0] = at(from);
  let best = null, score = Infinity;
  for (const g of nodes(root)) {
    if (g === from) continue;
    const [x, y] = at(g);
    const along = (x - x0) * dx + (y - y0) * dy;
    if (along <= 0.5) continue;
    const across = Math.abs((x - x0) * dy) + Math.abs((y - y0) * dx);
    const s = along + 2 * across;
    if (s < score) { score = s; best = g; }
  }
  return best;
}

function pick(root, g) {
  root.__wanted = g.dataset.node;
  root.__args.setTriggerValue('clicked', g.dataset.select);
}

function save(root) {
  const svg = root.querySelector('.ag-scroll svg');
  if (!svg) return;
  const {format, filename} = root.__args.data;
  const text = new XMLSerializer().serializeToString(svg);
  const download = (href) => {
    const a = document.createElement('a');
    a.href = href; a.download = `${filename}.${format}`;
    document.body.appendChild(a); a.click(); a.remove();
  };
  const url = URL.createObjectURL(new Blob([text], {type: 'image/svg+xml'}));
  if (format === 'svg') { download(url); setTimeout(() => URL.revokeObjectURL(url), 10000); return; }
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = svg.width.baseVal.value * 2; canvas.height = svg.height.baseVal.value * 2;
    const context = canvas.getContext('2d');
    context.scale(2, 2);
    context.drawImage(image, 0, 0);
    URL.revokeObjectURL(url);
    canvas.toBlob(blob => { const png = URL.createObjectURL(blob); download(png);
                            setTimeout(() => URL.revokeObjectURL(png), 10000); }, 'image/png');
  };
  image.src = url;
}

export default function (args) {
  const root = args.parentElement.querySelector('.ag-graph');
  root.__args = args;
  const box = root.querySelector('.ag-scroll');
  const button = root.querySelector('.ag-save');
  button.textContent = args.data.save_text;
  button.setAttribute('aria-label', args.data.save_label);
  button.title = args.data.save_label;
  if (root.__svg !== args.data.svg) {
    const active = root.contains(document.activeElement) && document.activeElement.dataset
      ? document.activeElement.dataset.node : undefined;
    const wanted = root.__wanted || active;
    const left = box.scrollLeft;
    box.innerHTML = args.data.svg;
    root.__svg = args.data.svg;
    box.scrollLeft = left;
    // back to the node the keyboard (or a click) was on, when nothing else has taken the focus since
    const now = document.activeElement;
    const free = !now || now === document.body || root.contains(now);
    if (wanted && free) {
      const g = nodes(root).find(n => n.dataset.node === wanted);
      if (g) g.focus({preventScroll: true});
    }
    root.__wanted = undefined;
  }
  if (!root.__bound) {
    root.__bound = true;
    box.addEventListener('click', (e) => {
      const g = e.target.closest('[data-node]');
      if (g && box.contains(g)) pick(root, g);
    });
    box.addEventListener('keydown', (e) => {
      const g = e.target.closest('[data-node]');
      if (!g) return;
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(root, g); return; }
      let to = null;
      if (NAV[e.key]) to = next(root, g, e.key);
      else if (e.key === 'Home') to = nodes(root)[0];
      else if (e.key === 'End') to = nodes(root).slice(-1)[0];
      else return;
      e.preventDefault();
      if (to) to.focus();
    });
    button.addEventListener('click', () => save(root));
  }
}
"""

_GRAPH = st.components.v2.component("autograd_graph", html=HTML, css=CSS, js=JS, isolate_styles=False)


def graph_chart(svg: str, key: str, *, on_click: Callable | None = None, args: tuple = (),
                image_format: str = "png", filename: str = "autograd-graph", lang: str = "en"):
    """Draw the SVG; a click on a node calls on_click(*args) before the rerun, when `clicked_node(key)` is the
    node's id."""
    from explorer.text import t

    return _GRAPH(key=key, data={"svg": svg, "format": image_format, "filename": filename,
                                 "save_text": f"⤓ {image_format.upper()}",
                                 "save_label": t("graph.save_image", lang, fmt=image_format.upper())},
                  on_clicked_change=(lambda: on_click(*args)) if on_click is not None else (lambda: None),
                  width="stretch", height="content")


def clicked_node(key: str) -> str | None:
    """The node id the last click on the graph `key` sent (only during the callback and the rerun it starts)."""
    value = st.session_state.get(key)
    clicked = getattr(value, "clicked", None) if value is not None else None
    if clicked is None and isinstance(value, dict):
        clicked = value.get("clicked")
    return None if clicked is None else str(clicked)


def plotly_graph_chart(fig: dict, key: str, **kwargs):
    """A Plotly graph figure (the step-through's animation) at its own width, its box scrolling sideways;
    returns what st.plotly_chart returns."""
    width = int(fig.get("layout", {}).get("width") or 0)
    box = f"{key}_box"
    if width:
        # Streamlit fits a chart to its column; the chart's own element is made as wide as the figure and its
        # box scrolls (keyed elements carry the class st-key-<key>)
        st.html(f"<style>.st-key-{box} {{ overflow-x: auto; }} .st-key-{key}, .st-key-{key} "
                f"[data-testid='stFullScreenFrame'] {{ min-width: {width}px; }}</style>")
    with st.container(key=box):
        return st.plotly_chart(fig, key=key, width="content", **kwargs)
