"""Backward step-through: pick a pass of the Playground's program and step it, formula by formula."""

import streamlit as st

from explorer.backward import jacobian as jp
from explorer.backward.figures import pass_layout
from explorer.backward.frames import clamp_step, pass_label
from explorer.text import t
from explorer.text.values import value_text
from explorer.ui import a11y, cache, exercise_panel, graph_table, presenter, session
from explorer.ui.graph_chart import clicked_node, graph_chart, plotly_graph_chart


def _move(delta: int | None, count: int, to: int | None = None) -> None:
    ss = st.session_state
    ss.step = clamp_step(to if to is not None else ss.step + delta, count)
    ss.step_moved = True


def _slider_moved() -> None:
    st.session_state.slider_step = st.session_state.step_slider - 1


def _apply_slider() -> None:
    """The step the slider asked for, unless a button or a node moved the step in the same rerun: a click sends
    every widget's value with it, and a slider the page had not yet redrawn sends the step before the last one,
    which would take the step back (a quick second press of → did)."""
    ss = st.session_state
    asked = ss.pop("slider_step", None)
    if asked is not None and not ss.pop("step_moved", False):
        ss.step = asked
    ss.pop("step_moved", None)


def _node_clicked(program: str, overrides: tuple, lang: str, count: int) -> None:
    """A click on a node of the step's graph goes to the step where that node runs (a folded box: its first)."""
    ss = st.session_state
    node = clicked_node("step_chart")
    result = session.run(program, overrides, lang)
    layout = (pass_layout(result, ss.pass_index) if ss.get("fold_pass", True)
              else cache.expanded_pass_layout(program, overrides, lang, ss.pass_index))
    member_of = layout.extras.get("member_of", {}) if layout is not None else {}
    events = result.passes[ss.pass_index].events
    steps = [k for k, ev in enumerate(events) if str(member_of.get(ev.node, ev.node)) == node]
    if steps:
        _move(None, count, steps[0])


def _pass_picked() -> None:
    st.session_state.pass_index = st.session_state.pass_picker
    st.session_state.step = 0
    st.session_state.step_moved = True


def step_controls(count: int, lang: str) -> None:
    ss = st.session_state
    buttons = st.columns(4)
    buttons[0].button(t("step.first", lang), on_click=_move, args=(None, count, 0), key="step_first",
                      disabled=ss.step == 0, width="stretch")
    buttons[1].button(t("step.prev", lang), on_click=_move, args=(-1, count), key="step_prev",
                      disabled=ss.step == 0, width="stretch")
    buttons[2].button(t("step.next", lang), on_click=_move, args=(1, count), key="step_next",
                      disabled=ss.step >= count - 1, width="stretch")
    buttons[3].button(t("step.last", lang), on_click=_move, args=(None, count, count - 1), key="step_last",
                      disabled=ss.step >= count - 1, width="stretch")
    if count > 1:
        ss.step_slider = ss.step + 1
        st.slider(t("step.slider", lang), 1, count, key="step_slider", on_change=_slider_moved)
    st.caption(t("a11y.step_keys", lang))


def accumulation_panel(accumulation, lang: str) -> None:
    """old .grad + incoming = new .grad, side by side: why a second backward() doubles the gradient."""
    st.markdown(f"**{t('step.accumulation', lang)}**")
    old = t("detail.none", lang) if accumulation.old is None else value_text(accumulation.old, lang)
    for label, text in zip(("step.old_grad", "step.incoming", "step.new_grad"),
                           (old, value_text(accumulation.incoming, lang), value_text(accumulation.new, lang))):
        st.caption(t(label, lang))
        session.text_block(text)


def jacobian_panel(program: str, overrides: tuple, result, lang: str) -> None:
    ss = st.session_state
    st.subheader(t("step.jacobian", lang))
    output, leaves = jp.candidates(result, ss.pass_index)
    if output is None:
        st.caption(t("step.jacobian_unavailable", lang, n=jp.MAX_ELEMENTS))
        return
    leaf = st.selectbox(t("step.jacobian_pick", lang), leaves, key="jacobian_leaf")
    fig, verdict = cache.jacobian(program, overrides, lang, ss.pass_index, output, leaf, session.theme())
    if fig is None:
        st.warning(verdict)
        return
    st.plotly_chart(fig, key="jacobian_chart", theme=None, config=session.plotly_config(filename="jacobian"))


def render() -> None:
    ss = st.session_state
    _apply_slider()  # first: the callbacks of this rerun have run, and every way out of the page clears them
    lang = ss.lang
    st.title(t("page.step_through", lang))
    st.caption(t("step.intro", lang))
    program = ss.program
    overrides = session.overrides_key()
    result = session.run(program, overrides, lang)
    if result.error is not None:
        if result.error.stopped:
            st.warning(f"{result.error.heading(lang)}: {result.error.message}", icon=None)
        else:
            st.warning(t("step.program_error", lang, line=result.error.line))
    if exercise_panel.render(program, overrides, result, lang):  # Predict mode: the exercise, numbers hidden
        session.publish("step_through")
        return
    if not result.passes:
        st.info(t("step.no_passes", lang))
        session.publish("step_through")
        return
    ss.pass_index = min(max(ss.pass_index, 0), len(result.passes) - 1)
    ss.pass_picker = ss.pass_index
    st.selectbox(t("step.pass", lang), list(range(len(result.passes))), key="pass_picker",
                 on_change=_pass_picked, format_func=lambda i: pass_label(result, i, lang))
    frames = cache.frames(program, overrides, lang, ss.pass_index)
    count = len(frames)
    ss.step = clamp_step(ss.step, count)
    left, right = st.columns(presenter.step_columns(), gap="large")
    with left:
        step_controls(count, lang)
        if frames:
            frame = frames[ss.step]
            st.markdown(f"**{t('step.frame', lang)}**")
            session.text_block(frame.text)
            a11y.announce(frame.text.split("\n")[0])
            if frame.accumulation is not None:
                accumulation_panel(frame.accumulation, lang)
    with right:
        st.toggle(t("play.fold", lang), value=True, key="fold_pass", help=t("play.fold_help", lang))
        svg = cache.step_svg(program, overrides, lang, ss.pass_index, ss.step, session.theme(),
                             ss.get("fold_pass", True))
        table = graph_table.step_table(program, overrides, lang, ss.pass_index, ss.step, ss.get("fold_pass", True))
        graph_table.summary(table)
        graph_chart(svg, "step_chart", on_click=_node_clicked, args=(program, overrides, lang, count),
                    image_format=ss.get("image_format", "png"), filename="backward-step", lang=lang)
        graph_table.expander(table, "table-pass", lang)
    if st.toggle(t("step.play", lang), key="play_toggle"):
        animation = cache.animation(program, overrides, lang, ss.pass_index, session.theme())
        plotly_graph_chart(animation, "animation_chart", theme=None, config=session.plotly_config())
    jacobian_panel(program, overrides, result, lang)
    session.publish("step_through")

