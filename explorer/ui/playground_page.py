"""Playground: the program, its leaves' requires_grad boxes, the output, the graph and a node's details."""

import streamlit as st

from explorer.exports import export_program, graph_to_dot, graph_to_json
from explorer.graph import views
from explorer.lessons import lesson_for_code
from explorer.text import t
from explorer.ui import cache, graph_table, output_style, presenter, session
from explorer.ui.editor import leaf_rows, program_flags, toggled
from explorer.ui.graph_chart import clicked_node, graph_chart
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
    session.seed("program_editor", "program")
    st.text_area(t("play.editor", lang), height=360, help=t("play.editor_help", lang),
                 max_chars=MAX_PROGRAM_CHARS, key="program_editor", on_change=session.program_edited)


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
        if row.later:
            # the name made again (lesson 000's float64 x after its float32 x): say which one the box sets
            others = ", ".join(t("play.leaf_later_item", lang, line=line, dtype=dtype) for line, dtype in row.later)
            st.caption(t("play.leaf_later", lang, name=row.name, others=others, line=row.line))
    if st.session_state.overrides:
        st.button(t("play.reset_flags", lang), on_click=_reset_flags, key="reset_flags")


def output_panel(result, lang: str) -> None:
    st.markdown(f"**{t('play.output', lang)}**")
    notebook = getattr(result, "notebook_cells", 0)
    if notebook:
        st.info(t("play.notebook", lang, n=result.notebook_cells))
    st.caption(t("play.display.notebook" if notebook else "play.display.program", lang))
    output_blocks(result, lang)
    if result.views_dropped:
        st.warning(t("play.views_dropped", lang), icon=":material/info:")
    if result.passes:
        st.caption(t("play.passes", lang, n=len(result.passes) + result.passes_dropped))
    if result.passes_dropped:
        st.caption(t("play.dropped", lang, n=result.passes_dropped))


def output_blocks(result, lang: str) -> None:
    """The output as a notebook shows it: what the program printed (and the values shown) in text blocks that
    wrap a line too long for the page rather than hide it; a warning or a cell's error in between, where it
    happened, as a notebook's stderr (explorer/ui/output_style.py)."""
    blocks = output_style.blocks(result.outputs, lang)
    if not blocks:
        session.text_block(t("play.no_output", lang))
        return
    for kind, text in blocks:
        if kind == "stdout":
            session.text_block(text)
        else:
            st.html(output_style.stderr_html(kind, text, lang))


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
                     lang: str) -> str:
    """One view's chart: the selected node ringed (or what it stands for, when selected in the other view),
    search matches ringed, a click selecting a node. Returns the SVG drawn."""
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
    svg = cache.graph_svg(program, overrides, lang, view, session.theme(), ss.overlay, highlight, linked, found, fold)
    key = "graph_chart" if view == ss.view else f"graph_chart_{view}"
    table = graph_table.playground_table(program, overrides, lang, view, fold)
    graph_table.summary(table)
    graph_chart(svg, key, on_click=_node_clicked, args=(key, view, tuple(choices)),
                image_format=ss.get("image_format", "png"), filename=f"autograd-{view}", lang=lang)
    graph_table.expander(table, f"table-{view}", lang)
    return svg


def _node_clicked(key: str, view: str, choices: tuple) -> None:
    """A node clicked (or chosen with Enter) in a view's graph is the selection: ringed, and its details shown."""
    node = clicked_node(key)
    if node is not None and node in choices:
        st.session_state.node, st.session_state.node_view = node, view


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
            session.text_block(text)


def exports_panel(program: str, overrides: tuple, result, graph, svg: str, lang: str) -> None:
    """Download buttons. Each makes its file when clicked, after this run has ended, so what it needs is
    bound now (st.session_state cannot be read then). The SVG is the picture shown; the HTML page is Plotly's
    (zoom and pan, offline), made only when asked for."""
    from explorer.exports import figure_to_html

    ss = st.session_state
    overrides = dict(overrides)
    view, theme, overlay = ss.view, session.theme(), ss.overlay
    fold = ss.get("fold_graph", True)
    layout = views.layout_of(result, view)
    drawn = layout if fold else cache.expanded_layout(program, session.overrides_key(), lang, view)

    def html_page() -> str:
        return figure_to_html(_figure(views.graph_figure_dict(result, view, lang=lang, theme=theme, overlay=overlay,
                                                              layout=drawn)))

    with st.expander(t("play.exports", lang)):
        st.caption(t("play.export_hint_svg", lang))
        st.radio(t("play.image_format_svg", lang), ("png", "svg"), key="image_format", horizontal=True,
                 format_func=str.upper)
        stem = f"autograd-{view}"
        columns = st.columns(5)
        columns[0].download_button("HTML", html_page, f"{stem}.html", "text/html", on_click="ignore",
                                   key="export_html")
        columns[1].download_button("SVG", svg, f"{stem}.svg", "image/svg+xml", on_click="ignore", key="export_svg")
        columns[2].download_button("JSON", lambda: graph_to_json(graph, layout), f"{stem}.json",
                                   "application/json", on_click="ignore", key="export_json")
        columns[3].download_button("DOT", lambda: graph_to_dot(graph), f"{stem}.dot", "text/vnd.graphviz",
                                   on_click="ignore", key="export_dot")
        columns[4].download_button(t("play.export_py", lang),
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
    result = session.run(program, overrides, lang)
    session.remember_good(program, overrides, result)
    left, right = st.columns([8, 4], gap="large")
    with left, presenter.folded(lang):
        editor_panel(lang)
        session.run_errors_box(program, result, lang)
    with right:
        leaves_panel(result, lang)
    # the output takes the page's whole width: PyTorch's 80-column lines fit at 1600 px, read from the back
    output_panel(result, lang)
    # the graph takes the page's whole width: labels stay at a size the back of a classroom can read
    shown_program, shown_overrides, shown = program, overrides, result
    last_good = session.last_good_of(program, overrides, result)
    if last_good is not None:
        shown_program, shown_overrides = last_good
        shown = session.run(shown_program, shown_overrides, lang)
        st.warning(t("play.last_good", lang))
    graph_panel(shown_program, shown_overrides, shown, lang)
    session.publish("playground")

