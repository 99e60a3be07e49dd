"""Playground: the program, its leaves' requires_grad boxes, the output, the graph and a node's details."""

import streamlit as st

from explorer.exports import export_program, graph_to_dot, graph_to_json
from explorer.graph import views
from explorer.lessons import lesson_for_code
from explorer.text import t
from explorer.ui import cache, graph_table, presenter, session
from explorer.ui.editor import leaf_rows, program_flags, toggled
from explorer.ui.graph_chart import graph_chart
from explorer.ui.link import MAX_PROGRAM_CHARS


def _set_flag(name: str, program_flag: bool) -> None:
    ss = st.session_state
    ss.overrides = toggled(ss.overrides, name, ss[f"rg_{name}"], program_flag)


def _reset_flags() -> None:
    st.session_state.overrides = {}


def _pick_node(view: str) -> None:
    st.session_state.node = st.session_state.node_picker or None
    st.session_state.node_view = view


def editor_panel(lang: str) -> None:
    lesson = lesson_for_code(st.session_state.program)
    if lesson is not None:
        st.caption(t("play.lesson", lang, title=lesson.title_in(lang)))
    st.text_area(t("play.editor", lang), height=360, help=t("play.editor_help", lang),
                 max_chars=MAX_PROGRAM_CHARS, **session.bound("program_editor", "program"))


def leaves_panel(result, lang: str) -> None:
    st.markdown(f"**{t('play.leaves', lang)}**", help=t("play.leaves_help", lang))
    rows = leaf_rows(result, st.session_state.overrides)
    if not rows:
        st.caption(t("play.no_leaves", lang))
        return
    own = program_flags(result)
    for row in rows:
        if not row.can_require_grad:
            st.caption(t("play.leaf_int", lang, name=row.name, dtype=row.dtype))
            continue
        key = f"rg_{row.name}"
        st.session_state[key] = row.requires_grad
        st.checkbox(t("play.leaf_label", lang, name=row.name, line=row.line, dtype=row.dtype), key=key,
                    on_change=_set_flag, args=(row.name, own.get(row.name)))
    if st.session_state.overrides:
        st.button(t("play.reset_flags", lang), on_click=_reset_flags, key="reset_flags")


def output_panel(result, lang: str) -> None:
    st.markdown(f"**{t('play.output', lang)}**")
    notebook = getattr(result, "notebook_cells", 0)
    if notebook:
        st.info(t("play.notebook", lang, n=result.notebook_cells))
    st.caption(t("play.display.notebook" if notebook else "play.display.program", lang))
    text = result.text(lang)
    st.code(text if text else t("play.no_output", lang), language=None)
    if result.passes:
        st.caption(t("play.passes", lang, n=len(result.passes) + result.passes_dropped))
    if result.passes_dropped:
        st.caption(t("play.dropped", lang, n=result.passes_dropped))


def graph_panel(program: str, overrides: tuple, result, lang: str) -> None:
    ss = st.session_state
    st.subheader(t("play.graph", lang))
    controls = st.columns([2, 2, 2])
    with controls[0]:
        st.radio(t("play.view", lang), ("forward", "backward"), horizontal=True,
                 format_func=lambda v: t(f"play.view.{v}", lang), **session.bound("view_widget", "view"))
    with controls[1]:
        st.toggle(t("play.overlay", lang), **session.bound("overlay_widget", "overlay"))
        st.toggle(t("play.both_views", lang), key="both_views", help=t("play.both_views_help", lang))
        st.toggle(t("play.fold", lang), value=True, key="fold_graph", help=t("play.fold_help", lang))
    with controls[2]:
        query = st.text_input(t("play.search", lang), key="graph_search", help=t("play.search_help", lang))
    graph = views.graph_of(result, ss.view)
    if graph is None:
        st.info(t("play.no_graph", lang))
        return
    # the selection belongs to the view it was made in; the other view rings what it stands for
    node_view = ss.get("node_view") or ss.view
    if ss.node not in views.node_choices(views.graph_of(result, node_view), views.layout_of(result, node_view)):
        ss.node = None
    shown = ("forward", "backward") if ss.get("both_views") else (ss.view,)
    figures = {}
    for view in shown:
        if views.graph_of(result, view) is None:
            continue
        figures[view] = graph_view_chart(program, overrides, result, view, node_view, query, lang)
    node_panel(result, node_view, lang)
    exports_panel(program, overrides, result, graph, figures.get(ss.view) or next(iter(figures.values())), lang)


def graph_view_chart(program: str, overrides: tuple, result, view: str, node_view: str, query: str,
                     lang: str) -> dict:
    """One view's chart: the selected node ringed (or what it stands for, when selected in the other view),
    search matches ringed, a click selecting a node. Returns the figure."""
    ss = st.session_state
    fold = ss.get("fold_graph", True)
    layout = views.layout_of(result, view) if fold else cache.expanded_layout(program, overrides, lang, view)
    choices = views.node_choices(views.graph_of(result, view), layout)
    highlight = ss.node if node_view == view else None
    linked = tuple(views.linked_to(result, node_view, ss.node, view))
    found = tuple(views.found_in(result, view, query, layout)) if query.strip() else ()
    if query.strip():
        st.caption(t("play.search_found", lang, n=len(found)) if found else t("play.search_none", lang, q=query))
    if linked:
        st.caption(t("play.linked", lang, view=t(f"play.view.{node_view}", lang)))
    draw = cache.graph_figure if fold else cache.expanded_figure
    fig = draw(program, overrides, lang, view, session.theme(), ss.overlay, highlight, linked, found)
    image_format = ss.get("image_format", "png")
    key = "graph_chart" if view == ss.view else f"graph_chart_{view}"
    table = graph_table.playground_table(program, overrides, lang, view, fold)
    graph_table.summary(table)
    event = graph_chart(fig, key, on_select="rerun", selection_mode="points", theme=None,
                        config=session.plotly_config(image_format))
    graph_table.expander(table, f"table-{view}", lang)
    clicked = views.selected_node(event, choices)
    last = f"last_clicked_{key}"
    if clicked is None:
        # the redrawn figure starts with no selection, so clicking the same node again counts again
        ss[last] = None
    elif clicked != ss.get(last):
        ss.node, ss.node_view, ss[last] = clicked, view, clicked
        st.rerun()  # redraw with the clicked node ringed, and what it stands for in the other view
    return fig


def node_panel(result, view: str, lang: str) -> None:
    ss = st.session_state
    graph = views.graph_of(result, view)
    layout = views.layout_of(result, view)
    choices = views.node_choices(graph, layout)
    ss.node_picker = ss.node or ""
    st.selectbox(t("play.node", lang), ["", *choices], key="node_picker", on_change=_pick_node, args=(view,),
                 format_func=lambda n: views.node_title(graph, n, layout) if n else t("play.node_none", lang))
    if ss.node:
        for label, text in views.node_details(result, view, ss.node, lang):
            st.markdown(f"**{label}**")
            st.code(text, language=None, wrap_lines=True)


def exports_panel(program: str, overrides: tuple, result, graph, fig: dict, lang: str) -> None:
    """Download buttons. Each makes its file when clicked, after this run has ended, so what it needs is
    bound now (st.session_state cannot be read then)."""
    from explorer.exports import figure_to_html

    ss = st.session_state
    overrides = dict(overrides)
    with st.expander(t("play.exports", lang)):
        st.caption(t("play.export_hint", lang))
        st.radio(t("play.image_format", lang), ("png", "svg"), key="image_format", horizontal=True,
                 format_func=str.upper)
        stem = f"autograd-{ss.view}"
        columns = st.columns(4)
        columns[0].download_button("HTML", lambda: figure_to_html(_figure(fig)), f"{stem}.html", "text/html",
                                   on_click="ignore", key="export_html")
        layout = views.layout_of(result, ss.view)
        columns[1].download_button("JSON", lambda: graph_to_json(graph, layout), f"{stem}.json",
                                   "application/json", on_click="ignore", key="export_json")
        columns[2].download_button("DOT", lambda: graph_to_dot(graph), f"{stem}.dot", "text/vnd.graphviz",
                                   on_click="ignore", key="export_dot")
        columns[3].download_button(t("play.export_py", lang),
                                   lambda: export_program(program, result, overrides),
                                   "program.py", "text/x-python", on_click="ignore", key="export_py")


def _figure(fig: dict):
    import plotly.graph_objects as go

    return go.Figure(fig)


def render() -> None:
    lang = st.session_state.lang
    ss = st.session_state
    st.title(t("page.playground", lang))
    st.caption(t("play.intro", lang))
    program = ss.program
    overrides = session.overrides_key()
    result = cache.run(program, overrides, lang)
    if result.error is None:
        ss.last_good = (program, overrides)
    left, right = st.columns([5, 7], gap="large")
    with left, presenter.folded(lang):
        editor_panel(lang)
        session.run_errors_box(program, result, lang)
        leaves_panel(result, lang)
    with right:
        output_panel(result, lang)
    # the graph takes the page's whole width: labels stay at a size the back of a classroom can read
    shown_program, shown_overrides, shown = program, overrides, result
    if result.error is not None and ss.last_good is not None and ss.last_good != (program, overrides):
        shown_program, shown_overrides = ss.last_good
        shown = cache.run(shown_program, shown_overrides, lang)
        st.warning(t("play.last_good", lang))
    graph_panel(shown_program, shown_overrides, shown, lang)
    session.publish("playground")

