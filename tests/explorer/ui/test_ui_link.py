"""What a link carries: the state round-trips through query parameters; bad or hostile links fall back."""

from __future__ import annotations

import zlib

from explorer.lessons import FIRST_LESSON
from explorer.ui import link
from explorer.ui.link import AppState, DescentSettings, decode_query, encode_query


def test_state_round_trips_through_query_parameters():
    state = AppState(program="import torch\nx = torch.ones(2)  # 中文注释\n",
                     overrides={"x": True, "w": False}, page="step_through", lang="zh", view="backward",
                     overlay=False, pass_index=2, step=7)
    params = encode_query(state)
    assert all(isinstance(v, str) for v in params.values())
    assert decode_query(params) == state


def test_default_state_makes_a_short_link():
    assert encode_query(AppState()) == {"page": "playground"}
    descent = AppState(page="descent", descent=DescentSettings(lr=0.05, optimizer="adam"))
    assert encode_query(descent) == {"page": "descent", "d_lr": "0.05", "d_optimizer": "adam"}
    assert decode_query(encode_query(descent)).descent == descent.descent


def test_malformed_parameters_fall_back_to_defaults():
    state = decode_query({"page": "admin", "lang": "fr", "code": "!!!not base64",
                          "rg": "x:2,_y:1,ok:1", "pass": "-3", "step": "nan", "d_lr": "1e9",
                          "d_steps": "12.5", "d_optimizer": "lbfgs"})
    assert state.page == "playground" and state.lang == "en"
    assert state.program == FIRST_LESSON.code
    assert state.overrides == {"ok": True}
    assert state.pass_index == 0 and state.step == 0
    assert state.descent == DescentSettings()


def test_a_compressed_bomb_is_refused():
    bomb = link.base64.urlsafe_b64encode(zlib.compress(b"x" * 10_000_000, 9)).decode().rstrip("=")
    assert len(bomb) < link.MAX_PARAM_CHARS
    assert link.decode_program(bomb) is None


def test_repeated_parameters_use_the_last_value():
    assert decode_query({"lang": ["en", "zh"]}).lang == "zh"
