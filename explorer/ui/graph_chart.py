"""A graph figure on a page, drawn one layout unit a pixel as explorer/graph/figures.py sized it: a graph wider
than its column scrolls sideways inside the column instead of being squeezed (squeezing would make its labels,
whose font size is fixed, run into each other)."""

from __future__ import annotations

import streamlit as st


def graph_chart(fig: dict, key: str, **kwargs):
    """st.plotly_chart at the figure's own width; returns what st.plotly_chart returns."""
    width = int(fig.get("layout", {}).get("width") or 0)
    box = f"{key}_box"
    if width:
        # Streamlit fits a chart to its column; the chart's own element is made as wide as the figure and its
        # box scrolls (keyed elements carry the class st-key-<key>)
        st.html(f"<style>.st-key-{box} {{ overflow-x: auto; }} .st-key-{key}, .st-key-{key} "
                f"[data-testid='stFullScreenFrame'] {{ min-width: {width}px; }}</style>")
    with st.container(key=box):
        return st.plotly_chart(fig, key=key, width="content", **kwargs)
