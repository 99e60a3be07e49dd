"""The Descent demo and Lessons pages through AppTest."""

from __future__ import annotations

import pytest

from explorer.lessons import LESSON_BY_KEY, LESSONS
from explorer.ui.link import AppState, DescentSettings, decode_query
from tests.explorer.ui.app_testing import array_of, charts, codes, start

pytestmark = pytest.mark.slow


def end_lines(at) -> list[str]:
    return [m.value for m in at.markdown if " ends at a, b = " in m.value]


def test_descent_loads_with_the_seed_and_its_two_end_points():
    at = start(page="descent")
    assert at.title[0].value == "Descent demo"
    lines = end_lines(at)
    # the seed's printed end points: 0.333333 -0.333333 and, with detach(), 1.000000 -0.000000
    assert "0.333333 -0.333333" in lines[0]
    assert "1.000000 -0.000000" in lines[1] or "1.000000 0.000000" in lines[1]
    contour, _ = charts(at)
    assert contour["layout"]["sliders"][0]["active"] == len(contour["frames"]) - 1
    assert "why" in at.expander[0].label.lower() or at.expander[0].label == "Why the two paths differ"


def current_point(contour: dict) -> tuple[float, float]:
    """Where the contour figure marks the true path's current point (a layout shape centred on it)."""
    index = contour["layout"]["meta"]["shapes"].index("current:true")
    shape = contour["layout"]["shapes"][index]
    return shape["xanchor"], shape["yanchor"]


def test_step_slider_moves_the_current_point_on_both_figures():
    at = start(page="descent")
    at.slider(key="descent_view_step").set_value(0).run()
    contour, surface = charts(at)
    assert current_point(contour) == pytest.approx((0.5, -0.5))
    assert contour["layout"]["sliders"][0]["active"] == 0
    current = surface["data"][surface["layout"]["meta"]["animated"][1]]
    assert array_of(current["x"])[-1] == pytest.approx(0.5)
    assert "0.500000 -0.500000" in end_lines(at)[0]
    at.slider(key="descent_view_step").set_value(10).run()
    contour, surface = charts(at)
    assert current_point(contour) != pytest.approx((0.5, -0.5))
    assert contour["layout"]["sliders"][0]["active"] == 10


def test_learning_rate_and_optimizer_change_the_path():
    at = start(page="descent")
    at.number_input(key="descent_lr").set_value(0.01).run()
    assert at.session_state.descent["lr"] == 0.01
    assert "0.333333 -0.333333" not in end_lines(at)[0]  # 100 small steps stop short of the minimum
    assert decode_query(at.query_params).descent.lr == 0.01
    at.selectbox(key="descent_optimizer").select("adam").run()
    assert not at.exception
    assert decode_query(at.query_params).descent.optimizer == "adam"


def test_bad_loss_shows_an_error_and_keeps_the_text():
    at = start(page="descent")
    at.text_input(key="descent_loss").input("(a - 1)**2 + c").run()
    assert not at.exception
    assert "c" in at.error[0].value
    assert at.text_input(key="descent_loss").value == "(a - 1)**2 + c"
    assert charts(at) == []


def test_descent_settings_come_back_from_a_link():
    settings = DescentSettings(lr=0.05, steps=40)
    at = start(AppState(page="descent", descent=settings, lang="zh"))
    assert at.title[0].value == "梯度下降演示"
    assert at.number_input(key="descent_lr").value == 0.05
    assert at.number_input(key="descent_steps").value == 40
    assert at.slider(key="descent_view_step").max == 40


def titles(lang: str) -> list[str]:
    return [f"{i}. {lesson.title[lang]}" for i, lesson in enumerate(LESSONS, 1)]


def test_lessons_page_lists_every_lesson_in_both_languages():
    at = start(page="lessons")
    picker = at.radio(key="lesson_picker")
    assert picker.options == titles("en")
    assert at.subheader[-1].value == titles("en")[0]  # the chosen lesson's title, after the exercises' heading
    assert at.code[0].value == LESSONS[0].code.rstrip("\n")
    picker.set_value("residual_norm").run()
    assert at.subheader[-1].value == titles("en")[7]
    assert "x3.norm()" in at.code[0].value
    at.sidebar.radio(key="lang_widget").set_value("zh").run()
    assert at.radio(key="lesson_picker").options == titles("zh")
    assert at.subheader[-1].value == titles("zh")[7]  # the chosen lesson stays chosen


def test_opening_a_lesson_puts_it_in_the_playground():
    at = start(page="lessons")
    at.radio(key="lesson_picker").set_value("autograd_grad").run()
    at.button(key="open_lesson").click().run()
    assert not at.exception
    assert at.title[0].value == "Playground"
    assert at.text_area(key="program_editor").value == LESSON_BY_KEY["autograd_grad"].code
    assert "(tensor([2., 4., 8.]), tensor([0.1000, 0.0500]))" in codes(at)[0]
    assert decode_query(at.query_params).page == "playground"


def test_descent_lesson_opens_the_descent_page():
    at = start(page="lessons")
    at.radio(key="lesson_picker").set_value("descent_detach").run()
    at.button(key="open_descent").click().run()
    assert at.title[0].value == "Descent demo"
