"""A graph's table alternative on a page: its summary as text a screen reader reads next to the picture, and a
"Graph as a table" expander with the nodes and the edges (explorer/graph/table.py makes the rows).

An HTML table, not st.dataframe: Streamlit's data grid is a canvas whose column headers sort on a mouse click
only (a keyboard user cannot sort it) and whose screen-reader copy says nothing of the sort order. Here each
column header is a button (Tab, Enter), the sorted column says so with aria-sort, and the live region says
"Sorted by Gradient, descending" (the sorting runs in the browser: explorer/ui/a11y.py's script).
"""

from __future__ import annotations

import html

import streamlit as st

from explorer.graph.table import GraphTable, pass_table, sentences, sort_key, view_table
from explorer.text import t
from explorer.ui import a11y, cache

NODE_COLUMNS = ("name", "kind", "shape", "dtype", "value", "gradient", "requires_grad", "node")
EDGE_COLUMNS = ("source", "target", "input", "gradient")
VALUE_COLUMNS = ("value", "gradient")  # monospace, wrapped anywhere


def _cell(row, column: str, header: bool = False) -> str:
    value = getattr(row, column)
    text = "" if value is None else str(value)
    key = sort_key(row, column)
    sort = "" if key is None else f' data-sort="{key:.17g}"'
    css = ' class="agx-value"' if column in VALUE_COLUMNS else ""
    if header:
        return f'<th scope="row"{sort}>{html.escape(text)}</th>'
    return f"<td{css}{sort}>{html.escape(text)}</td>"


def _table(rows, columns: tuple[str, ...], caption: str, key: str, lang: str) -> str:
    # a column empty in every row says nothing (values on a backward graph, requires_grad of grad_fns)
    columns = tuple(c for i, c in enumerate(columns) if i == 0 or not rows or any(getattr(r, c) not in ("", None)
                                                                                   for r in rows))
    def head(column: str) -> str:
        title = html.escape(t(f"a11y.col.{column}", lang))
        if not rows:
            return f'<th scope="col">{title}</th>'
        kind = "text" if sort_key(rows[0], column) is None else "number"
        return f'<th scope="col"><button type="button" data-agx-sort="{kind}">{title}</button></th>'

    heads = "".join(head(c) for c in columns)
    body = "".join(f'<tr data-order="{i}">' + "".join(_cell(row, c, header=j == 0) for j, c in enumerate(columns))
                   + "</tr>" for i, row in enumerate(rows))
    said = {"sorted": t("a11y.sorted", lang, column="{column}", order="{order}"),
            "ascending": t("a11y.ascending", lang), "descending": t("a11y.descending", lang)}
    data = " ".join(f'data-{name}="{html.escape(text, quote=True)}"' for name, text in said.items())
    return (f'<div class="agx-table-box" role="region" tabindex="0" aria-label="{html.escape(caption, quote=True)}">'
            f'<table class="agx-graph-table" id="{key}" {data}><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></div>")


def table_html(table: GraphTable, key: str, lang: str) -> str:
    """The node table and the edge table, with their captions and a note when a big graph's rows were cut."""
    parts = [_table(table.nodes, NODE_COLUMNS, t("a11y.nodes", lang, n=table.node_count), f"{key}-nodes", lang),
             _table(table.edges, EDGE_COLUMNS, t("a11y.edges", lang, n=table.edge_count), f"{key}-edges", lang)]
    if len(table.nodes) < table.node_count or len(table.edges) < table.edge_count:
        parts.append(f"<p>{html.escape(t('a11y.rows_cut', lang, shown=len(table.nodes), n=table.node_count))}</p>")
    return "".join(parts)


def summary(table: GraphTable | None) -> None:
    """Before a graph: what it shows, in a sentence a screen reader reads instead of the picture."""
    if table is not None:
        a11y.hidden_text(table.summary)


def expander(table: GraphTable | None, key: str, lang: str) -> None:
    """Under a graph: the 'Graph as a table' expander."""
    if table is None:
        return
    with st.expander(t("a11y.table", lang)):
        st.caption(sentences([table.summary, t("a11y.table_help", lang)], lang))
        st.html(table_html(table, key, lang))


@cache.cached(cache.FIGURES)
def playground_table(program: str, overrides: tuple, lang: str, view: str, fold: bool) -> GraphTable | None:
    """The Playground's view as tables, from the layout its chart draws (folded or not)."""
    layout = None if fold else cache.expanded_layout(program, overrides, lang, view)
    return view_table(cache.run(program, overrides, lang), view, lang, layout)


@cache.cached(cache.FIGURES)
def step_table(program: str, overrides: tuple, lang: str, pass_index: int, step: int, fold: bool) -> GraphTable:
    """The step-through's pass at a step as tables."""
    layout = None if fold else cache.expanded_pass_layout(program, overrides, lang, pass_index)
    return pass_table(cache.run(program, overrides, lang), pass_index, step, lang, layout)
