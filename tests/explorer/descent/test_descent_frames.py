"""A frame of an animated descent figure shown as its still picture."""

from __future__ import annotations

from explorer.figure_frames import at_frame


def test_at_frame_replaces_animated_traces_and_moves_the_slider():
    fig = {"data": [{"x": [0]}, {"x": [9], "name": "p"}],
           "frames": [{"name": "0", "data": [{"x": [1]}], "traces": [1]},
                      {"name": "5", "data": [{"x": [2]}], "traces": [1]}],
           "layout": {"sliders": [{"active": 1}]}}
    shown = at_frame(fig, 3)
    assert shown["data"][1] == {"x": [1], "name": "p"}
    assert shown["layout"]["sliders"][0]["active"] == 0
    assert at_frame(fig, 99)["data"][1]["x"] == [2]
    assert fig["data"][1]["x"] == [9]  # the cached figure is not touched
