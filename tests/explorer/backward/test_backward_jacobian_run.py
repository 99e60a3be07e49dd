"""The Jacobian view of a recorded pass, from a sandboxed run."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.jacobian_program import candidates, jacobian_from_run, jacobian_program
from explorer.lessons import LESSON_BY_KEY
from explorer.playground_model import run_program


def run(source, overrides=None):
    return run_program(source, overrides, isolated=False)


def test_jacobian_of_a_vector_output_matches_the_chain_rule():
    code = LESSON_BY_KEY["jacobian"].code
    result = run(code)
    output, leaves = candidates(result, 0)
    assert (output, leaves) == ("out", ["inp"])
    view = jacobian_from_run(result, run(jacobian_program(code, output, "inp")), 0, output, "inp")
    inp = np.eye(3).reshape(-1)
    np.testing.assert_allclose(view.jacobian, np.diag(2 * (inp + 1)))
    np.testing.assert_allclose(view.vjp, np.array([[4., 0, 0], [0, 8, 0], [0, 0, 12]]))
    assert view.matches
    with pytest.raises(ValueError):
        jacobian_program(code, "out; import os", "inp")
