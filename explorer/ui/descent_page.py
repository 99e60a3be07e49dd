"""Descent demo: gradient descent on l(a, b) with and without detach(), on the surface and the contours."""

import streamlit as st

from explorer.descent import MAX_STEPS, OPTIMIZERS
from explorer.descent.demo import explanation
from explorer.descent.figures import at_frame
from explorer.text import t
from explorer.ui import cache, session


def _set(name: str) -> None:
    ss = st.session_state
    ss.descent = {**ss.descent, name: ss[f"descent_{name}"]}


def _field(name: str) -> dict:
    """Widget keyword arguments bound to one descent setting in the session."""
    st.session_state[f"descent_{name}"] = st.session_state.descent[name]
    return {"key": f"descent_{name}", "on_change": _set, "args": (name,)}


def controls(lang: str) -> None:
    st.text_input(t("descent.loss", lang), max_chars=500, **_field("loss"))
    st.text_input(t("descent.detached", lang), max_chars=500, **_field("detached"))
    columns = st.columns(2)
    columns[0].number_input(t("descent.lr", lang), min_value=0.0001, max_value=10.0, step=0.01, format="%.4f",
                            **_field("lr"))
    columns[1].number_input(t("descent.steps", lang), min_value=1, max_value=MAX_STEPS, step=10,
                            **_field("steps"))
    # a row of its own: "SGD with momentum 0.9" is read whole, not cut to "SGD (as in tl"
    st.selectbox(t("descent.optimizer", lang), OPTIMIZERS, format_func=lambda o: t(f"descent.opt.{o}", lang),
                 **_field("optimizer"))
    columns = st.columns(2)
    columns[0].number_input(t("descent.start_a", lang), min_value=-100.0, max_value=100.0, step=0.1,
                            **_field("start_a"))
    columns[1].number_input(t("descent.start_b", lang), min_value=-100.0, max_value=100.0, step=0.1,
                            **_field("start_b"))


def variant_name(variant, lang: str) -> str:
    return t("descent.true" if variant.key == "true" else "descent.detached_variant", lang)


def render() -> None:
    ss = st.session_state
    lang = ss.lang
    st.title(t("page.descent", lang))
    st.caption(t("descent.intro", lang))
    left, right = st.columns([2, 3], gap="large")
    with left:
        controls(lang)
    d = ss.descent
    settings = (d["loss"], d["detached"], (float(d["start_a"]), float(d["start_b"])), float(d["lr"]),
                int(d["steps"]), d["optimizer"])
    built, error = cache.descent_demo(*settings)
    if error is not None:
        left.error(f"**{t('descent.error', lang)}**: {error.message(lang)}")
        session.publish("descent")
        return
    last = max(len(v.path.steps) for v in built.variants) - 1
    ss.descent_view_step = min(ss.get("descent_view_step", last), last)
    contour, surface = cache.descent_figures(settings, lang, session.theme())
    with left:
        step = st.slider(t("descent.step", lang), 0, last, key="descent_view_step")
        for variant in built.variants:
            row = variant.path.steps[min(step, len(variant.path.steps) - 1)]
            end = f"{row.a:.06f} {row.b:.06f}"
            st.markdown(t("descent.end", lang, variant=variant_name(variant, lang), end=end)
                        + f" (l = {row.loss:.6f})")
            if variant.path.stop is not None:
                st.warning(variant.path.stop.message(lang))
    with right:
        st.plotly_chart(at_frame(contour, step), key="descent_contour", theme=None,
                        config=session.plotly_config(filename="descent-contour"))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.plotly_chart(at_frame(surface, step), key="descent_surface", theme=None,
                        config=session.plotly_config(filename="descent-surface"))
    with right:
        with st.expander(t("descent.why", lang), expanded=True):
            st.markdown(explanation(built, lang))
        with st.expander(t("descent.table", lang)):
            from explorer.descent.figures import step_table

            for variant in built.variants:
                st.markdown(f"**{variant_name(variant, lang)}**")
                st.dataframe(step_table(variant.path, lang), hide_index=True)
    session.publish("descent")
