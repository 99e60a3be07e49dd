"""Shared by the app's AppTest files: start the app, read its charts, find elements by key."""

from __future__ import annotations

import base64
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from explorer.ui.link import AppState, encode_query

APP = Path(__file__).resolve().parents[3] / "explorer" / "app.py"
TIMEOUT = 120


def start(state: AppState | None = None, **params) -> AppTest:
    """The app after its first run, opened on a link for `state` (or on plain query `params`)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    query = encode_query(state) if state is not None else {}
    query.update(params)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page, as the figure dicts the browser receives."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


SVG = "{http://www.w3.org/2000/svg}"


def graphs(at: AppTest) -> list[ET.Element]:
    """Every graph on the page (explorer/ui/graph_chart.py), as the SVG the browser receives, parsed."""
    return [ET.fromstring(json.loads(element.proto.json)["svg"]) for element in at.get("bidi_component")
            if element.proto.component_name == "autograd_graph"]


def graph_nodes(svg: ET.Element) -> list[ET.Element]:
    """A graph's drawn nodes: the <g class="node"> elements."""
    return [g for g in svg.iter(f"{SVG}g") if "node" in (g.get("class") or "").split()]


def hover_texts(svg: ET.Element) -> dict[str, str]:
    """{drawn node id: its hover text (the node's <title>)}."""
    return {g.get("data-node"): g.find(f"{SVG}title").text or "" for g in graph_nodes(svg)}


def marked_nodes(svg: ET.Element, mark: str) -> list[str]:
    """The ids (as a click selects them) of the nodes drawn with a ring of class `mark`: "highlight", "linked",
    "found"."""
    return [g.get("data-select") for g in graph_nodes(svg) if g.find(f"{SVG}circle[@class='{mark}']") is not None]


def legend_entries(svg: ET.Element, kind: str = "legend-grad") -> list[str]:
    return ["".join(g.itertext()) for g in svg.iter(f"{SVG}g") if g.get("class") == kind]


def program_errors(at: AppTest) -> list[str]:
    """The program errors shown next to the editor, as the text a reader sees (they are escaped HTML)."""
    found = []
    for element in at.get("html"):
        body = element.proto.body
        if "program-error" in body:
            found.append(html.unescape(re.sub(r"<[^>]+>", "", body)))
    return found


def title_of(figure) -> str:
    if isinstance(figure, ET.Element):  # a graph's SVG
        return figure.get("aria-label") or ""
    title = figure["layout"].get("title")
    return title.get("text", "") if isinstance(title, dict) else str(title or "")


TEXT_BLOCK = re.compile(r'<pre class="text-block">(.*)</pre>', re.S)


def text_of_block(element) -> str | None:
    """A text block's text (explorer/ui/output_style.py: plain text is an escaped <pre>, not st.code), or None."""
    found = TEXT_BLOCK.fullmatch(getattr(getattr(element, "proto", None), "body", "") or "")
    return html.unescape(found.group(1)) if found else None


def codes(at: AppTest) -> list[str]:
    """The page's text blocks and code blocks, in order, as their text."""
    found = []
    for element in _in_order(at._tree):
        text = element.value if type(element).__name__ == "Code" else text_of_block(element)
        if text is not None:
            found.append(text)
    return found


def array_of(value) -> np.ndarray:
    """A figure's data array: plain lists, or Plotly's typed-array form {"dtype", "bdata", "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = tuple(int(n) for n in shape.split(","))
        return data.reshape(shape) if shape else data
    return np.array(value, dtype=float)


def drawn_labels(figure) -> dict[str, str]:
    """{node id: the label drawn beside it} of a graph: Plotly HTML, or for an SVG its lines joined by <br>, the
    smaller line (what the tape kept) in a <span>. Keyed by the id a click on the node selects."""
    if isinstance(figure, ET.Element):
        labels = {}
        for g in graph_nodes(figure):
            text = g.find(f"{SVG}text[@class='label']")
            if text is None:
                continue
            lines = [f"<span>{span.text or ''}</span>" if span.get("font-size") else (span.text or "")
                     for span in text.findall(f"{SVG}tspan")]
            labels[g.get("data-select")] = "<br>".join(lines)
        return labels
    trace = figure["data"][figure["layout"]["meta"]["labels_trace"]]
    return dict(zip(trace.get("customdata") or (), trace.get("text") or ()))


def name_in(label: str) -> str:
    """The name a drawn label shows: a long name broken in two joined again, shape and saved lines left out."""
    lines = [line for line in label.split("<br>") if not line.startswith(("<span", "("))]
    return "".join(lines) if lines and not lines[0].startswith("AccumulateGrad") else " ".join(lines)


def node_label(figure: dict, node: str) -> str | None:
    """The name drawn next to a node of a graph figure."""
    label = drawn_labels(figure).get(node)
    return None if label is None else name_in(label)


def node_id(figure: dict, name: str) -> str:
    """The id of the node drawn as `name` (an op name, or a variable name before its shape)."""
    for custom, label in drawn_labels(figure).items():
        if name_in(label) == name:
            return custom
    raise AssertionError(f"no node labelled {name!r}")


def go_to(at: AppTest, url_path: str) -> AppTest:
    """Open another page of the running session, as a click in the sidebar does.

    AppTest.switch_page() accepts page files only; our pages are functions, registered by url path, so
    this picks the page's hash from the registry of the last run (an AppTest internal).
    """
    wanted = "" if url_path == "playground" else url_path  # the default page lives at the root
    for page_hash, info in at._registered_pages.items():
        if info.get("url_pathname") == wanted:
            at._page_hash = page_hash
            at.run()
            at._page_hash = ""
            return at
    raise AssertionError(f"no page {url_path!r}")


def _in_order(node):
    children = getattr(node, "children", None)
    if children:
        for key in sorted(children):
            yield from _in_order(children[key])
    else:
        yield node


def output_blocks(at: AppTest) -> list[tuple[str, str]]:
    """The Playground's output as the page shows it, in order: ("stdout", a code block's text) and ("warning" |
    "error", a notebook-style stderr block's text, without its heading)."""
    from explorer.text import LANGUAGES, t

    headings = {f"**{t('play.output', lang)}**" for lang in LANGUAGES}
    found: list[tuple[str, str]] = []
    inside = False
    for element in _in_order(at.main):
        kind = type(element).__name__
        if kind == "Markdown" and element.value in headings:
            inside = True
        elif inside and kind in ("Subheader", "Header", "Title"):
            break
        elif inside and text_of_block(element) is not None:
            found.append(("stdout", text_of_block(element)))
        elif inside and "program-stderr" in getattr(getattr(element, "proto", None), "body", ""):
            body = element.proto.body
            block = re.search(r'class="program-stderr (\w+)"', body).group(1)
            text = re.sub(r'<span class="kind">.*?</span>', "", body)
            found.append((block, html.unescape(re.sub(r"<[^>]+>", "", text))))
    return found


def output_of(at: AppTest) -> str:
    """The Playground's output blocks as one text, a line per line (what RunResult.text gives)."""
    return "\n".join(text.rstrip("\n") for _, text in output_blocks(at))
