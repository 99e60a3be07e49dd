"""Teacher links (the exercise's questions and the solution flag in the URL, old links unchanged) and the
Predict panel on the step-through and the ready exercises on the Lessons page, through AppTest."""

from __future__ import annotations

from explorer.classroom.exercises import READY, READY_BY_KEY
from explorer.ui.link import AppState, decode_query, encode_query
from tests.explorer.ui.app_testing import codes, graphs, hover_texts, legend_entries, marked_nodes, start, title_of


def test_an_exercise_round_trips_through_a_link():
    ready = READY_BY_KEY["detach"]
    state = AppState(program=ready.program, page="step_through", lang="zh", exercise=ready.asked, solution=True)
    params = encode_query(state)
    assert params["ex"] == "s0.1.0,s0.2.1,g0.6,g0.9,d1,d0" and params["sol"] == "1"
    assert "d_loss" not in params  # the descent's defaults stay out of the link
    assert decode_query(params) == state


def test_old_links_and_hostile_exercise_ids():
    old = {"page": "step_through", "pass": "0", "step": "2"}
    state = decode_query(old)
    assert state.exercise == () and state.solution is False
    assert encode_query(state) == old  # no exercise: the link is what it was
    hostile = decode_query({"page": "step_through", "ex": "s0.1.0,__import__,x" * 3 + ",s0.1.0,d7,g1.2," + "s9" * 5000,
                            "sol": "yes"})
    assert hostile.exercise == ("s0.1.0", "g1.2") and hostile.solution is False
    assert "ex" not in encode_query(AppState(page="playground", exercise=("s0.0.0",)))  # only on the step-through


def test_predict_mode_hides_the_step_through_and_checks_answers():
    ready = READY_BY_KEY["jacobian"]
    at = start(AppState(program=ready.program, page="step_through", exercise=ready.asked))
    assert at.toggle(key="predict_toggle").value is True
    # the pass is drawn without what the questions ask: no gradient on a node or an edge, no backward formula
    (graph,) = graphs(at)
    assert title_of(graph) == "Backward pass 1 (backward), gradients hidden"
    hovers = hover_texts(graph)
    assert any(text.startswith("PowBackward0") and "forward: result = self ** exponent" in text
               for text in hovers.values())
    lines = [line.strip() for text in hovers.values() for line in text.split("\n")]
    assert not any(line.startswith(("backward:", ".grad:", "gradient")) or "grad_self" in line for line in lines)
    assert legend_entries(graph) == [] and not marked_nodes(graph, "highlight")  # no shading, no step ringed
    assert not at.get("plotly_chart")
    texts = codes(at)
    assert not any("Step 1/" in text for text in texts)
    assert any("PowBackward0 received grad" in text for text in texts)
    assert "Score: 0 of 2 right, 0 at the first try" in at.markdown[0].value
    at.text_input(key="answer_s0.0.0").set_value("[[4, 2, 2], [2, 4, 2], [2, 2, 4]]")
    at.button(key="FormSubmitter:form_s0.0.0-Check").click().run()
    assert "The incoming gradient" in at.warning[0].value
    at.text_input(key="answer_s0.0.0").set_value("[[4, 0, 0], [0, 8, 0], [0, 0, 12]]")
    at.button(key="FormSubmitter:form_s0.0.0-Check").click().run()
    assert at.success[0].value.startswith("Right!")
    assert any("Step 1/3: PowBackward0 runs" in text for text in codes(at))  # revealed with the numbers
    assert "Score: 1 of 2 right, 0 at the first try" in at.markdown[0].value
    at.button(key="show_s0.1.0").click().run()
    assert "Exercise done: 1 of 2 right, 0 at the first try." in [s.value for s in at.success]
    at.toggle(key="predict_toggle").set_value(False).run()
    assert graphs(at) and any("Step 1/3" in text for text in codes(at))
    assert "ex" not in at.query_params


def test_a_learner_turns_predict_on_for_their_own_program():
    at = start(AppState(program=READY_BY_KEY["bce_layer"].program, page="step_through"))
    at.toggle(key="predict_toggle").set_value(True).run()
    assert at.query_params["ex"] == "s0.0.0,s0.1.0,s0.1.1,s0.3.0,s0.4.1"
    links = [text for text in codes(at) if "ex=" in text]
    assert len(links) == 2 and links[1].endswith("&sol=1")


def test_solution_link_shows_every_answer_in_chinese():
    ready = READY_BY_KEY["accumulation"]
    at = start(AppState(program=ready.program, page="step_through", lang="zh", exercise=ready.asked, solution=True))
    assert [s.value for s in at.success] == ["答案：[[1., 1., 1.], [1., 1., 1.]]", "答案：[[4., 2., 2.], [2., 4., 2.]]",
                                             "答案：[[8., 4., 4.], [4., 8., 4.]]"]
    assert not at.get("text_input")


def test_lessons_page_offers_the_ready_exercises():
    at = start(AppState(page="lessons"))
    assert "Exercises: predict, then see" in [h.value for h in at.subheader]
    labels = [b.label for b in at.button]
    assert labels.count("Start exercise") == len(READY)
    at.button(key="exercise_accumulation").click().run()
    assert at.session_state["exercise"] == READY_BY_KEY["accumulation"].asked
