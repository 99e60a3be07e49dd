"""The descent demo's logic: loss parsing, the one-pass grid, paths, divergence, fixed points, the demo."""

from __future__ import annotations

import ast
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import backward_trace
from explorer.descent import DEFAULT_DETACHED_LOSS, DEFAULT_LOSS, DETACHED_FIXED_POINT, TRUE_MINIMUM, DescentError
from explorer.descent.demo import Grid, build_demo, descent_path, explanation, field_at, fixed_points, grid_pass
from explorer.descent.loss import detach_occurrence, evaluate_loss, occurrences, parse_loss, strip_detach
from explorer.text import CATALOGUE, t

SMOOTH = "torch.log(1 + torch.exp(a - b)) + 0.5 * (a**2 + b**2) + torch.sin(3 * a) * 0.1"


def same_expression(left: str, right: str) -> bool:
    return ast.dump(ast.parse(left, mode="eval")) == ast.dump(ast.parse(right, mode="eval"))


def error_of(call, *args, **kwargs) -> DescentError:
    with pytest.raises(DescentError) as info:
        call(*args, **kwargs)
    return info.value


def assert_message_in_both_languages(error: DescentError) -> None:
    assert error.key in CATALOGUE, error.key
    english, chinese = error.message("en"), error.message("zh")
    assert english != error.key and chinese != error.key
    assert english != chinese
    for value in error.params.values():
        assert str(value) in english and str(value) in chinese


# --- parsing ---------------------------------------------------------------------------------------------


def test_the_seed_losses_parse_and_count_their_detach_calls():
    assert parse_loss(DEFAULT_LOSS).detach_count == 0
    assert parse_loss(DEFAULT_DETACHED_LOSS).detach_count == 1
    assert parse_loss("a.detach() * b.detach() + a").detach_count == 2


@pytest.mark.parametrize(("text", "key", "params"), [
    ("a + c", "descent.unknown_name", {"name": "c"}),
    ("x**2", "descent.unknown_name", {"name": "x"}),
    ("torch + a", "descent.unknown_name", {"name": "torch"}),
    ("a.sum()", "descent.not_scalar_per_point", {"detail": ".sum()"}),
    ("(a - a.mean())**2", "descent.not_scalar_per_point", {"detail": ".mean()"}),
    ("torch.sum(a * b)", "descent.not_scalar_per_point", {"detail": "torch.sum"}),
    ("print(a)", "descent.unknown_function", {"name": "print"}),
    ("__import__('os')", "descent.unknown_function", {"name": "__import__"}),
    ("torch.matmul(a, b)", "descent.unknown_function", {"name": "torch.matmul"}),
    ("a.numpy()", "descent.unknown_function", {"name": ".numpy()"}),
    ("a.__class__", "descent.unsupported", {"what": ".__class__ without a call"}),
    ("a if b else 1", "descent.unsupported", {}),
    ("[a, b]", "descent.unsupported", {}),
    ("a < b", "descent.unsupported", {}),
    ("lambda: a", "descent.unsupported", {}),
    ("a[0]", "descent.unsupported", {}),
    ("'a' * 2", "descent.unsupported", {"what": "'a'"}),
    ("a // b", "descent.unsupported", {"what": "FloorDiv"}),
    ("not a", "descent.unsupported", {"what": "Not"}),
    ("a.detach(1)", "descent.unsupported", {"what": "detach(...) with arguments"}),
    ("a.clamp(lo=0)", "descent.unsupported", {"what": "keyword lo="}),
    ("a +", "descent.syntax_error", {}),
    ("a = 1", "descent.syntax_error", {}),
    ("", "descent.empty_loss", {}),
    ("   ", "descent.empty_loss", {}),
    ("a" + " + a" * 400, "descent.loss_too_long", {}),
    ("(" * 80 + "a" + ")" * 80 + "+" + "-" * 70 + "a", "descent.too_deep", {}),
])
def test_refused_losses_name_the_problem(text, key, params):
    error = error_of(parse_loss, text)
    assert error.key == key
    for name, value in params.items():
        assert error.params[name] == value
    assert_message_in_both_languages(error)


def test_a_syntax_error_points_at_its_column():
    error = error_of(parse_loss, "(a - 1)**2 + * b")
    assert error.key == "descent.syntax_error"
    assert error.col == 14


def test_a_loss_may_span_lines_in_a_text_area():
    loss = parse_loss("(a - 1)**2\n + (b + 1)**2")
    assert float(evaluate_loss(loss, engine.tensor(0.0), engine.tensor(0.0))) == 2.0


def test_evaluation_builds_the_same_graph_as_the_written_code():
    a = engine.tensor(0.5, requires_grad=True)
    b = engine.tensor(-0.5, requires_grad=True)
    loss = evaluate_loss(parse_loss(DEFAULT_DETACHED_LOSS), a, b)
    assert loss.grad_fn.name() == "AddBackward0"
    assert loss.item() == pytest.approx((0.5 - 1) ** 2 + (-0.5 + 1) ** 2 + 1.0)
    ga, gb = engine.autograd.grad(loss, (a, b))
    # a.detach() in the last term: dl/da = 2(a - 1) only; dl/db = 2(b + 1) - 2(a - b)
    assert (ga.item(), gb.item()) == (-1.0, 1.0 - 2.0)


def test_torch_functions_and_methods_evaluate_on_the_engine():
    a = engine.tensor([0.3, -1.2], dtype=engine.float64)
    b = engine.tensor([2.0, 0.7], dtype=engine.float64)
    text = "torch.exp(a) * b.sigmoid() + torch.maximum(a, b) - a.abs().sqrt()"
    value = evaluate_loss(parse_loss(text), a, b)
    x, y = np.array([0.3, -1.2]), np.array([2.0, 0.7])
    expected = np.exp(x) / (1 + np.exp(-y)) + np.maximum(x, y) - np.sqrt(np.abs(x))
    np.testing.assert_allclose(value.numpy(), expected, rtol=1e-14)
    clamped = evaluate_loss(parse_loss("a.clamp(min=-1, max=0.1)"), a, b)
    np.testing.assert_array_equal(clamped.numpy(), [0.1, -1.0])


def test_number_arithmetic_that_would_hang_or_go_complex_is_refused():
    zero = engine.tensor(0.0)
    assert error_of(evaluate_loss, parse_loss("a + 10**10**10"), zero, zero).key == "descent.number_too_large"
    error = error_of(evaluate_loss, parse_loss("a + (-8)**0.5"), zero, zero)
    assert error.key == "descent.evaluation_failed"
    assert_message_in_both_languages(error)
    assert float(evaluate_loss(parse_loss("a + 2**3 - 1/4"), zero, zero)) == 7.75
    nested = parse_loss("a + (((2**60)**64)**64)**64")
    assert error_of(evaluate_loss, nested, zero, zero).key == "descent.number_too_large"
    assert float(evaluate_loss(parse_loss("a + (2**40)**2"), zero, zero)) == 2.0**80


def test_a_method_on_a_plain_number_is_explained():
    zero = engine.tensor(0.0)
    error = error_of(evaluate_loss, parse_loss("a + (2).exp()"), zero, zero)
    assert error.key == "descent.method_on_number"
    assert_message_in_both_languages(error)


def test_engine_failures_come_back_as_messages():
    # torch raises TypeError for torch.exp(2); whatever the engine raises, the page gets a DescentError
    error = error_of(grid_pass, "a + torch.exp(2)", Grid(n_a=3, n_b=3))
    assert error.key == "descent.evaluation_failed"
    assert_message_in_both_languages(error)


def test_a_detached_base_to_a_tensor_power():
    grid = Grid(0.5, 2.0, -1.0, 1.0, 4, 3)
    gp = grid_pass("a.detach() ** b", grid)
    a, b = np.meshgrid(grid.a_axis, grid.b_axis)
    np.testing.assert_allclose(gp.grad_a, 0.0)
    np.testing.assert_allclose(gp.grad_b, a**b * np.log(a), rtol=1e-12)


def test_strip_detach_gives_the_seed_loss_back():
    assert same_expression(strip_detach(DEFAULT_DETACHED_LOSS).text, DEFAULT_LOSS)
    assert strip_detach(DEFAULT_LOSS).text == DEFAULT_LOSS
    assert not strip_detach("a.detach().detach() * b").uses_detach


def test_detaching_the_third_occurrence_of_the_seed_gives_the_seed_variant():
    found = occurrences(DEFAULT_LOSS)
    assert [(o.name, o.col) for o in found] == [("a", 2), ("b", 15), ("a", 28), ("b", 32)]
    assert same_expression(detach_occurrence(DEFAULT_LOSS, 2).text, DEFAULT_DETACHED_LOSS)
    assert [o.detached for o in occurrences(DEFAULT_DETACHED_LOSS)] == [False, False, True, False]
    assert detach_occurrence(DEFAULT_DETACHED_LOSS, 2).text == DEFAULT_DETACHED_LOSS
    assert error_of(detach_occurrence, DEFAULT_LOSS, 4).key == "descent.bad_setting"


# --- the grid pass ---------------------------------------------------------------------------------------


def test_the_seed_surface_and_both_fields_match_their_formulas():
    grid = Grid(-1, 2, -2, 1, 31, 29)
    true = grid_pass(DEFAULT_LOSS, grid)
    detached = grid_pass(DEFAULT_DETACHED_LOSS, grid)
    a, b = np.meshgrid(grid.a_axis, grid.b_axis)
    assert true.loss.shape == (29, 31)
    np.testing.assert_allclose(true.loss, (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2, rtol=1e-14)
    np.testing.assert_array_equal(detached.loss, true.loss)  # detach() changes no value
    np.testing.assert_allclose(true.grad_a, 2 * (a - 1) + 2 * (a - b), atol=1e-13)
    np.testing.assert_allclose(true.grad_b, 2 * (b + 1) - 2 * (a - b), atol=1e-13)
    np.testing.assert_allclose(detached.grad_a, 2 * (a - 1), atol=1e-13)
    np.testing.assert_allclose(detached.grad_b, 2 * (b + 1) - 2 * (a - b), atol=1e-13)


def central_differences(loss_text: str, a: np.ndarray, b: np.ndarray, h: float = 1e-6):
    loss = parse_loss(loss_text)
    f = lambda x, y: field_at(loss, x, y).loss
    return (f(a + h, b) - f(a - h, b)) / (2 * h), (f(a, b + h) - f(a, b - h)) / (2 * h)


@pytest.mark.parametrize("text", [DEFAULT_LOSS, SMOOTH, "torch.tanh(a * b) + (a - 0.3)**4 / (1 + b**2)"])
def test_the_true_field_is_the_gradient_of_the_surface(text):
    grid = Grid(-1.3, 1.7, -1.1, 1.4, 17, 13)
    gp = grid_pass(text, grid)
    a, b = np.meshgrid(grid.a_axis, grid.b_axis)
    fd_a, fd_b = central_differences(text, a, b)
    np.testing.assert_allclose(gp.grad_a, fd_a, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(gp.grad_b, fd_b, rtol=1e-7, atol=1e-7)


def test_the_detached_field_is_not_the_gradient_of_the_surface():
    grid = Grid(n_a=9, n_b=9)
    detached = grid_pass(DEFAULT_DETACHED_LOSS, grid)
    a, b = np.meshgrid(grid.a_axis, grid.b_axis)
    fd_a, fd_b = central_differences(DEFAULT_DETACHED_LOSS, a, b)
    np.testing.assert_allclose(detached.grad_b, fd_b, atol=1e-7)  # b's derivative is untouched
    np.testing.assert_allclose(fd_a - detached.grad_a, 2 * (a - b), atol=1e-7)  # the term detach() cut off
    # and no surface has it as gradient: its curl d(grad_a)/db - d(grad_b)/da = 0 - (-2) is not zero
    d_grad_a_db = np.gradient(detached.grad_a, grid.b_axis, axis=0)
    d_grad_b_da = np.gradient(detached.grad_b, grid.a_axis, axis=1)
    np.testing.assert_allclose(d_grad_a_db - d_grad_b_da, 2.0, atol=1e-9)


@pytest.mark.parametrize("text", [
    DEFAULT_LOSS, DEFAULT_DETACHED_LOSS, SMOOTH, "a.detach() * torch.sin(b) + a**3",
])
def test_the_vectorized_pass_equals_one_graph_per_point(text):
    grid = Grid(-1.0, 1.5, -0.5, 2.0, 5, 4)
    gp = grid_pass(text, grid)
    loss = parse_loss(text)
    for i, b_value in enumerate(grid.b_axis):
        for j, a_value in enumerate(grid.a_axis):
            a = engine.tensor(float(a_value), dtype=engine.float64, requires_grad=True)
            b = engine.tensor(float(b_value), dtype=engine.float64, requires_grad=True)
            value = evaluate_loss(loss, a, b)
            ga, gb = engine.autograd.grad(value, (a, b), allow_unused=True)
            assert gp.loss[i, j] == pytest.approx(value.item(), rel=1e-14, abs=1e-14)
            assert gp.grad_a[i, j] == pytest.approx(0.0 if ga is None else ga.item(), rel=1e-14, abs=1e-14)
            assert gp.grad_b[i, j] == pytest.approx(0.0 if gb is None else gb.item(), rel=1e-14, abs=1e-14)


def test_the_whole_grid_takes_one_backward_pass():
    with backward_trace.record() as recorder:
        gp = grid_pass(DEFAULT_DETACHED_LOSS, Grid(n_a=200, n_b=200))
    assert len(recorder.passes) == 1
    assert gp.grad_a.shape == (200, 200)


def test_losses_that_ignore_a_variable_get_zero_gradients():
    grid = Grid(n_a=4, n_b=3)
    only_a = grid_pass("(a - 2)**2", grid)
    np.testing.assert_array_equal(only_a.grad_b, np.zeros((3, 4)))
    np.testing.assert_allclose(only_a.grad_a, np.broadcast_to(2 * (grid.a_axis - 2), (3, 4)))
    constant = grid_pass("2 * 3 + 1", grid)
    np.testing.assert_array_equal(constant.loss, np.full((3, 4), 7.0))
    np.testing.assert_array_equal(constant.grad_a, np.zeros((3, 4)))
    detached_only = grid_pass("a.detach()**2 + 1", grid)
    np.testing.assert_array_equal(detached_only.grad_a, np.zeros((3, 4)))


@pytest.mark.parametrize(("kwargs", "detail"), [
    (dict(a_min=1.0, a_max=1.0), "each range needs min < max"),
    (dict(b_max=float("nan")), "the range must be finite numbers"),
    (dict(n_a=1), "resolution must be 2..400"),
    (dict(n_b=401), "resolution must be 2..400"),
])
def test_bad_grids_are_refused(kwargs, detail):
    error = error_of(Grid, **kwargs)
    assert (error.key, error.params["detail"]) == ("descent.bad_grid", detail)
    assert_message_in_both_languages(error)


# --- paths -----------------------------------------------------------------------------------------------


def seed_loop(detached: bool) -> list[tuple[float, float]]:
    """The lesson's own loop, on the engine, recording every point."""
    a = engine.tensor(0.5).requires_grad_()
    b = engine.tensor(-0.5).requires_grad_()
    eta = 0.1
    points = [(a.item(), b.item())]
    for _ in range(100):
        if detached:
            loss = (a - 1) ** 2 + (b + 1) ** 2 + (a.detach() - b) ** 2
        else:
            loss = (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2
        ga, gb = engine.autograd.grad(loss, (a, b))
        with engine.no_grad():
            a -= eta * ga
            b -= eta * gb
        points.append((a.item(), b.item()))
    return points


@pytest.mark.parametrize(("text", "detached", "printed"), [
    (DEFAULT_LOSS, False, "0.333333 -0.333333"),
    (DEFAULT_DETACHED_LOSS, True, "1.000000 -0.000000"),
])
def test_plain_sgd_is_the_seed_loop_point_for_point(text, detached, printed):
    path = descent_path(text)
    assert [(s.a, s.b) for s in path.steps] == seed_loop(detached)
    assert path.end_text() == printed
    assert path.updates == 100 and path.stop is None
    assert path.steps[0].loss == 1.5  # both variants start on the same surface


def test_the_step_table_holds_loss_and_gradient_at_every_point():
    path = descent_path(DEFAULT_DETACHED_LOSS, steps=3)
    first = path.table()[0]
    assert first == dict(step=0, a=0.5, b=-0.5, l=1.5, dl_da=-1.0, dl_db=-1.0)
    a, b = path.column("a"), path.column("b")
    np.testing.assert_allclose(path.column("grad_a"), 2 * (a - 1), atol=1e-6)
    np.testing.assert_allclose(path.column("grad_b"), 2 * (b + 1) - 2 * (a - b), atol=1e-6)
    np.testing.assert_allclose(path.column("loss"), (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2, atol=1e-6)
    # each update is lr times the gradient of the row before
    np.testing.assert_allclose(np.diff(a), -0.1 * path.column("grad_a")[:-1], atol=1e-7)


def optimizer_loop(text: str, optimizer: str, lr: float, steps: int) -> tuple[float, float]:
    a = engine.tensor(0.5).requires_grad_()
    b = engine.tensor(-0.5).requires_grad_()
    if optimizer == "momentum":
        opt = engine.optim.SGD([a, b], lr=lr, momentum=0.9)
    else:
        opt = engine.optim.Adam([a, b], lr=lr)
    loss = parse_loss(text)
    for _ in range(steps):
        opt.zero_grad()
        evaluate_loss(loss, a, b).backward()
        opt.step()
    return a.item(), b.item()


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
@pytest.mark.parametrize(("text", "target"), [
    (DEFAULT_LOSS, TRUE_MINIMUM), (DEFAULT_DETACHED_LOSS, DETACHED_FIXED_POINT),
])
def test_momentum_and_adam_match_engine_optim_and_end_at_the_fixed_points(optimizer, text, target):
    lr, steps = (0.05, 400) if optimizer == "momentum" else (0.02, 1500)
    path = descent_path(text, lr=lr, steps=steps, optimizer=optimizer)
    assert path.end == optimizer_loop(text, optimizer, lr, steps)
    assert path.end == pytest.approx(target, abs=5e-6)
    expected = f"{target[0]:.06f} {target[1]:.06f}"
    assert path.end_text().replace("-0.000000", "0.000000") == expected.replace("-0.000000", "0.000000")


def test_a_too_large_learning_rate_is_reported_with_the_path_up_to_there():
    path = descent_path(DEFAULT_LOSS, lr=1.0, steps=200)
    assert path.stop is not None and path.stop.key == "descent.diverged"
    assert path.stop.params == {"step": path.updates, "lr": 1.0}
    assert_message_in_both_languages(path.stop)
    last = path.steps[-1]
    assert not all(math.isfinite(v) for v in (last.a, last.b, last.loss, last.grad_a, last.grad_b))
    assert all(math.isfinite(s.loss) for s in path.steps[:-1])
    assert path.updates < 200


def test_a_diverging_path_stops_where_it_leaves_the_grid():
    grid = Grid()
    path = descent_path(DEFAULT_LOSS, lr=0.5, steps=100, bounds=grid)
    assert path.stop.key == "descent.diverged_left_grid"
    assert all(grid.contains(s.a, s.b) for s in path.steps[:-1])
    assert not grid.contains(*path.end)
    assert path.steps[-1].loss > path.steps[0].loss
    assert_message_in_both_languages(path.stop)


def test_a_converging_path_that_leaves_the_grid_asks_for_a_larger_range():
    path = descent_path("(a - 5)**2 + b**2", start=(0.0, 0.0), lr=0.1, steps=100, bounds=Grid())
    assert path.stop.key == "descent.left_grid"
    assert path.end[0] > 2.0 and path.steps[-1].loss < path.steps[0].loss
    assert_message_in_both_languages(path.stop)


@pytest.mark.parametrize(("kwargs", "detail"), [
    (dict(optimizer="rmsprop"), "optimizer must be one of sgd, momentum, adam"),
    (dict(lr=0.0), "the learning rate must be positive"),
    (dict(lr=-0.1), "the learning rate must be positive"),
    (dict(steps=-1), "steps must be 0..5000"),
    (dict(steps=5001), "steps must be 0..5000"),
    (dict(start=(float("nan"), 0.0)), "start, learning rate and momentum must be numbers"),
    (dict(momentum=1.0, optimizer="momentum"), "momentum and betas must be in [0, 1)"),
])
def test_bad_settings_are_refused(kwargs, detail):
    error = error_of(descent_path, DEFAULT_LOSS, **kwargs)
    assert (error.key, error.params["detail"]) == ("descent.bad_setting", detail)
    assert_message_in_both_languages(error)


def test_zero_steps_give_the_start_alone():
    path = descent_path(DEFAULT_LOSS, steps=0)
    assert len(path.steps) == 1 and path.end == (0.5, -0.5)


# --- fixed points ----------------------------------------------------------------------------------------


def test_the_seed_fixed_points():
    [true] = fixed_points(DEFAULT_LOSS)
    assert (true.a, true.b) == pytest.approx(TRUE_MINIMUM, abs=1e-12)
    assert true.kind == "minimum"
    assert sorted(true.eigenvalues) == pytest.approx([2.0, 6.0], abs=1e-6)  # the Hessian's
    [detached] = fixed_points(DEFAULT_DETACHED_LOSS)
    assert (detached.a, detached.b) == pytest.approx(DETACHED_FIXED_POINT, abs=1e-12)
    assert detached.kind == "attracting"
    assert sorted(detached.eigenvalues) == pytest.approx([2.0, 4.0], abs=1e-6)


def test_fixed_points_of_a_loss_with_two_minima_and_a_saddle():
    grid = Grid(-2, 2, -1.5, 1.5, 81, 61)
    points = fixed_points("(a**2 - 1)**2 + b**2", grid)
    assert [(round(p.a, 9), round(p.b, 9), p.kind) for p in points] == [
        (-1.0, 0.0, "minimum"), (0.0, 0.0, "saddle"), (1.0, 0.0, "minimum"),
    ]
    [maximum] = fixed_points("-(a**2) - b**2", grid)
    assert maximum.kind == "maximum"


def test_a_constant_loss_has_no_isolated_fixed_points():
    assert fixed_points("3 + 0 * a", Grid(n_a=11, n_b=11)) == []


# --- the demo --------------------------------------------------------------------------------------------


def test_the_default_demo_has_both_variants_on_one_surface():
    demo = build_demo()
    assert same_expression(demo.true.loss.text, DEFAULT_LOSS)
    assert demo.detached.loss.text == DEFAULT_DETACHED_LOSS
    np.testing.assert_array_equal(demo.detached.field.loss, demo.surface.loss)
    assert demo.true.path.end_text() == "0.333333 -0.333333"
    assert demo.detached.path.end_text() == "1.000000 -0.000000"
    assert [p.kind for p in demo.true.fixed_points] == ["minimum"]
    assert [p.kind for p in demo.detached.fixed_points] == ["attracting"]
    assert [v.key for v in demo.variants] == ["true", "detached"]


def test_a_typed_loss_with_detach_is_the_detached_variant_of_its_stripped_self():
    demo = build_demo("a.detach() * b + (b - 1)**2 + a**2", detached_text=None, lr=0.05, steps=50)
    assert same_expression(demo.true.loss.text, "a * b + (b - 1)**2 + a**2")
    assert demo.detached.loss.uses_detach
    assert build_demo("a**2 + b**2", detached_text="").detached is None


def test_a_detached_text_that_is_another_function_is_refused():
    error = error_of(build_demo, DEFAULT_LOSS, "(a - 1)**2 + (b + 1)**2 + (a.detach() + b)**2")
    assert error.key == "descent.variants_differ"
    assert_message_in_both_languages(error)


def test_the_explanation_names_both_end_points_in_both_languages():
    demo = build_demo()
    for lang in ("en", "zh"):
        text = explanation(demo, lang)
        assert "(1/3, -1/3)" in text and "(1, 0)" in text and "2(a-1)" in text
    general = build_demo(SMOOTH, SMOOTH.replace("(a - b)", "(a.detach() - b)"))
    assert explanation(general, "en").endswith(t("descent.why_general", "en"))
    assert explanation(general, "zh").endswith(t("descent.why_general", "zh"))


def test_the_explanation_follows_what_the_paths_did():
    settled = explanation(build_demo(), "en")
    assert settled.startswith("**True gradient**: the path reached (0.3333, -0.3333) in 100 steps")
    assert "**With detach()**: the path reached (1, 0) in 100 steps" in settled
    assert "diverged" not in settled
    # a learning rate that makes the paths diverge: the text says so first, and says when the rest holds
    diverged = build_demo(lr=0.6)
    text = explanation(diverged, "en")
    steps = [v.path.stop.params["step"] for v in diverged.variants]
    assert text.startswith(f"**True gradient: the path diverged** at step {steps[0]}. With learning rate 0.6")
    assert f"**With detach(): the path diverged** at step {steps[1]}" in text
    assert "With a learning rate small enough for the paths to settle: Both paths" in text
    assert "**真实梯度：路径发散了**" in explanation(diverged, "zh")
    # too few steps: still on the way
    short = explanation(build_demo(steps=5), "en")
    assert "**True gradient**: after 5 steps the path is at (0.335, -0.335), still on its way to (0.3333, -0.3333)" \
        in short


def test_every_descent_key_has_english_and_chinese():
    keys = [k for k in CATALOGUE if k.startswith("descent.")]
    assert len(keys) > 40
    for key in keys:
        assert CATALOGUE[key]["en"] and CATALOGUE[key]["zh"], key


# --- robustness ------------------------------------------------------------------------------------------

ATOMS = ["a", "b", "a.detach()", "b.detach()", "2", "0.5", "0", "-1", "1e308", "1e-320"]
UNARY = ["torch.exp({})", "torch.log({})", "torch.sqrt({})", "({}).sigmoid()", "({}).abs()", "-({})",
         "torch.tanh({})", "({}).clamp(min=-1, max=1)", "({})**2", "({}).reciprocal()"]
BINARY = ["({}) + ({})", "({}) - ({})", "({}) * ({})", "({}) / ({})", "({}) ** ({})",
          "torch.maximum({}, {})"]


@st.composite
def loss_texts(draw, depth=4):
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(ATOMS))
    if draw(st.booleans()):
        return draw(st.sampled_from(UNARY)).format(draw(loss_texts(depth=depth - 1)))
    left, right = draw(loss_texts(depth=depth - 1)), draw(loss_texts(depth=depth - 1))
    return draw(st.sampled_from(BINARY)).format(left, right)


@settings(max_examples=150, deadline=None)
@given(loss_texts())
def test_any_loss_from_the_grammar_gives_a_field_or_a_descent_error(text):
    grid = Grid(-1, 2, -2, 1, 4, 3)
    try:
        gp = grid_pass(text, grid)
    except DescentError as error:
        assert_message_in_both_languages(error)
        return
    assert gp.loss.shape == gp.grad_a.shape == gp.grad_b.shape == (3, 4)
    path = descent_path(text, steps=5, bounds=grid)
    assert 1 <= len(path.steps) <= 6


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_escapes_as_another_exception(text):
    try:
        loss = parse_loss(text)
    except DescentError as error:
        assert error.key.startswith("descent.")
        return
    try:
        grid_pass(loss, Grid(n_a=3, n_b=3))
    except DescentError as error:
        assert error.key.startswith("descent.")
