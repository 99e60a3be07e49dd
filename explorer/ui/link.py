"""What a link carries: the program, its requires_grad overrides, the page, the language and the views, and on
the step-through a Predict exercise (its question ids, `ex`, and `sol=1` for the teacher's solution link).

`encode_query(state)` gives the `st.query_params` entries for a state and `decode_query(params)` reads them
back, so a teacher can hand a class one link that opens the same view. The program travels compressed
(zlib, URL-safe base64) because lesson code is longer than a browser likes in a URL; decoding is bounded so a
crafted link cannot make the server inflate megabytes. Pure: no streamlit import.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass, field, fields, replace

from explorer.classroom.exercises import decode_ids, encode_ids
from explorer.descent import (
    DEFAULT_DETACHED_LOSS,
    DEFAULT_LOSS,
    DEFAULT_LR,
    DEFAULT_START,
    DEFAULT_STEPS,
    MAX_STEPS,
    OPTIMIZERS,
)
from explorer.lessons import FIRST_LESSON
from explorer.text import LANGUAGES

PAGES = ("playground", "step_through", "descent", "lessons")
THEMES = ("light", "dark")
GRAPH_VIEWS = ("forward", "backward")

MAX_PROGRAM_CHARS = 20_000  # the sandbox refuses longer programs anyway
MAX_PARAM_CHARS = 30_000  # an encoded parameter longer than this is ignored
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class DescentSettings:
    loss: str = DEFAULT_LOSS
    detached: str = DEFAULT_DETACHED_LOSS
    lr: float = DEFAULT_LR
    steps: int = DEFAULT_STEPS
    optimizer: str = OPTIMIZERS[0]
    start_a: float = DEFAULT_START[0]
    start_b: float = DEFAULT_START[1]


@dataclass(frozen=True)
class AppState:
    program: str = FIRST_LESSON.code
    overrides: dict[str, bool] = field(default_factory=dict)  # leaf name -> requires_grad
    page: str = "playground"
    lang: str = "en"
    theme: str = "light"
    view: str = "forward"
    overlay: bool = True  # gradients drawn on the graph
    pass_index: int = 0
    step: int = 0
    descent: DescentSettings = field(default_factory=DescentSettings)
    # classroom (explorer/classroom): the questions of a Predict exercise on the step-through, and whether the
    # link is the teacher's solution (answers shown)
    exercise: tuple[str, ...] = ()
    solution: bool = False
    present: bool = False  # presenter view: large type, the editor folded (explorer/ui/presenter.py)


DEFAULT_STATE = AppState()


def encode_program(program: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(program.encode("utf-8"), 9)).decode("ascii").rstrip("=")


def decode_program(text: str) -> str | None:
    """The program a link carries, or None when the text is not one (never raises)."""
    if not text or len(text) > MAX_PARAM_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        # at most 4 bytes per character of UTF-8; anything longer is not a program we would run
        data = inflater.decompress(raw, 4 * MAX_PROGRAM_CHARS + 1)
        if len(data) > 4 * MAX_PROGRAM_CHARS or inflater.unconsumed_tail:
            return None
        program = data.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return None
    return program if len(program) <= MAX_PROGRAM_CHARS else None


def encode_overrides(overrides: dict[str, bool]) -> str:
    return ",".join(f"{name}:{int(bool(flag))}" for name, flag in sorted(overrides.items()))


def decode_overrides(text: str) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for item in (text or "")[:2000].split(","):
        name, sep, flag = item.partition(":")
        if sep and _NAME.match(name) and flag in ("0", "1"):
            out[name] = flag == "1"
    return out


def _number(text, default, kind, low, high):
    try:
        value = kind(text)
    except (TypeError, ValueError):
        return default
    if value != value or not low <= value <= high:  # NaN or out of range
        return default
    return value


def encode_query(state: AppState) -> dict[str, str]:
    """Query parameters for a state; values equal to the defaults are left out so links stay short."""
    d = DEFAULT_STATE
    params: dict[str, str] = {"page": state.page}
    if state.lang != d.lang:
        params["lang"] = state.lang
    if state.theme != d.theme:
        params["theme"] = state.theme
    if state.program != d.program:
        params["code"] = encode_program(state.program)
    if state.overrides:
        params["rg"] = encode_overrides(state.overrides)
    if state.view != d.view:
        params["view"] = state.view
    if state.overlay != d.overlay:
        params["overlay"] = str(int(state.overlay))
    if state.present:
        params["present"] = "1"
    if state.page == "step_through":
        params["pass"] = str(state.pass_index)
        params["step"] = str(state.step)
        if state.exercise:
            params["ex"] = encode_ids(state.exercise)
            if state.solution:
                params["sol"] = "1"
    asks_descent = state.page == "step_through" and any(q.startswith("d") for q in state.exercise)
    if state.page == "descent" or asks_descent:
        for f in fields(DescentSettings):
            value = getattr(state.descent, f.name)
            if value != getattr(d.descent, f.name):
                params[f"d_{f.name}"] = str(value)
    return params


def _one(params, key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)


def decode_query(params, base: AppState = DEFAULT_STATE) -> AppState:
    """The state a link asks for; anything missing or malformed keeps `base`'s value."""
    changes: dict = {}
    page = _one(params, "page")
    if page in PAGES:
        changes["page"] = page
    for key, allowed in (("lang", LANGUAGES), ("theme", THEMES), ("view", GRAPH_VIEWS)):
        value = _one(params, key)
        if value in allowed:
            changes[key] = value
    code = _one(params, "code")
    if code is not None:
        program = decode_program(code)
        if program is not None:
            changes["program"] = program
    rg = _one(params, "rg")
    if rg is not None:
        changes["overrides"] = decode_overrides(rg)
    for key, field_name in (("overlay", "overlay"), ("present", "present"), ("sol", "solution")):
        flag = _one(params, key)
        if flag in ("0", "1"):
            changes[field_name] = flag == "1"
    changes["pass_index"] = _number(_one(params, "pass"), base.pass_index, int, 0, 10_000)
    changes["step"] = _number(_one(params, "step"), base.step, int, 0, 1_000_000)
    exercise = _one(params, "ex")
    if exercise is not None:
        changes["exercise"] = decode_ids(exercise)
    descent = {}
    limits = {"lr": (float, 0.0, 10.0), "steps": (int, 1, MAX_STEPS), "start_a": (float, -100.0, 100.0),
              "start_b": (float, -100.0, 100.0)}
    for f in fields(DescentSettings):
        value = _one(params, f"d_{f.name}")
        if value is None:
            continue
        if f.name in limits:
            kind, low, high = limits[f.name]
            descent[f.name] = _number(value, getattr(base.descent, f.name), kind, low, high)
        elif f.name == "optimizer":
            if value in OPTIMIZERS:
                descent[f.name] = value
        elif len(value) <= 500:
            descent[f.name] = value
    if descent:
        changes["descent"] = replace(base.descent, **descent)
    return replace(base, **changes)
