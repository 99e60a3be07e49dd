"""The one string catalogue: every entry in English and Chinese with the same fields, and every key the code
asks for is in it (a missing key would show up in the app as the key itself)."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from explorer.text import CATALOGUE, LANGUAGES, t

EXPLORER = Path(__file__).resolve().parents[3] / "explorer"


def test_every_user_visible_string_exists_in_english_and_chinese_with_the_same_fields():
    parse = string.Formatter().parse
    checked = 0
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"] and entry["zh"], key
        en, zh = ({f for _, f, _, _ in parse(entry[lang]) if f} for lang in ("en", "zh"))
        assert en == zh, key
        checked += 1
    assert checked > 60


def keys_in_code() -> dict[str, str]:
    """Every literal key passed to t(...) in the explorer's source, and where: {key: "file:line"}."""
    found = {}
    for path in EXPLORER.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = f"{path.relative_to(EXPLORER.parent)}:{node.lineno}"
    return found


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    used = keys_in_code()
    assert len(used) > 150
    missing = {key: where for key, where in used.items() if key not in CATALOGUE}
    assert missing == {}


def test_t_fills_fields_falls_back_to_english_and_shows_an_unknown_key():
    assert t("cli.wrote", "zh", path="a.json") == "已写入 a.json"
    assert t("cli.wrote", "fr", path="a.json") == "wrote a.json"
    assert t("no.such.key", "en") == "no.such.key"
    assert LANGUAGES == ("en", "zh")
