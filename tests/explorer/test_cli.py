"""`python -m explorer run FILE|-`: the output as the app shows it and exit 0; on error `line N: message` on
standard error and exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import HANDLERS, main

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "program.py"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_run_prints_output_and_exits_zero(tmp_path, capsys):
    path = write(tmp_path, "import torch\nx = torch.tensor([1., 2.], requires_grad=True)\nx\n"
                           "y = (x * x).sum()\ny.backward()\nprint(x.grad)\n")
    assert main(["run", str(path), "--in-process"]) == 0
    assert capsys.readouterr().out == "tensor([1., 2.], requires_grad=True)\ntensor([2., 4.])\n"


def test_run_error_prints_line_and_message_and_exits_one(tmp_path, capsys):
    path = write(tmp_path, "import torch\nprint('start', end='')\nx = torch.ones(2)\nx.sum().backward()\n")
    assert main(["run", str(path), "--in-process"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "start\n"
    assert captured.err == (
        "line 4: RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn\n"
    )


def test_a_notebook_cell_that_raises_shows_in_place_the_rest_runs_and_the_exit_status_says_so(tmp_path, capsys):
    notebook = "In [1]:\nx = 1\n\nIn [2]:\nx / 0\n\nIn [3]:\nprint(x)\n"
    path = write(tmp_path, notebook)
    assert main(["run", str(path), "--in-process", "--lang", "zh"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "第 5 行：ZeroDivisionError: division by zero\n1\n"
    assert captured.err == "第 5 行：ZeroDivisionError: division by zero\n"


def test_run_in_chinese(tmp_path, capsys):
    path = write(tmp_path, "x = 9**9**9\n")
    assert main(["run", str(path), "--in-process", "--lang", "zh"]) == 1
    assert capsys.readouterr().err == "第 1 行：这个整数大约有 1228093895 位，浏览器最多允许 4096 位\n"


def test_invalid_utf8_and_missing_file(tmp_path, capsys):
    path = write(tmp_path, b"x = '\xff'\n")
    assert main(["run", str(path), "--in-process"]) == 1
    assert capsys.readouterr().err == "line 1: the file is not valid UTF-8 text\n"
    assert main(["run", str(tmp_path / "missing.py")]) == 1
    assert "missing.py" in capsys.readouterr().err


def test_subcommands_are_a_table_of_handlers():
    assert set(HANDLERS) >= {"run"}
    with pytest.raises(SystemExit):
        main([])


@pytest.mark.timeout(120)
def test_module_entry_point_reads_stdin_and_runs_isolated():
    program = "import torch\nfor k in range(3):\n    print(k, torch.ones(k).sum().item())\n"
    done = subprocess.run([sys.executable, "-m", "explorer", "run", "-"], input=program.encode(), cwd=ROOT,
                          capture_output=True, timeout=100)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == "0 0.0\n1 1.0\n2 2.0\n"
    bad = subprocess.run([sys.executable, "-m", "explorer", "run", "-"], input=b"import os\n", cwd=ROOT,
                         capture_output=True, timeout=100)
    assert bad.returncode == 1
    expected = "line 1: 'import os' is not available; the explorer offers torch, numpy and math\n"
    assert bad.stdout.decode() == ""
    assert bad.stderr.decode() == expected


def test_the_last_line_is_the_real_error_whatever_the_program_prints(tmp_path, capsys):
    # a message with line breaks cannot forge a later "line 99: ..." line; terminal escapes arrive escaped
    path = write(tmp_path, "print('\\x1b[2J\\x1b[31mred\\tcell')\nassert 0, 'first\\nline 99: forged error\\n'\n")
    assert main(["run", str(path), "--in-process"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "\\x1b[2J\\x1b[31mred\tcell\n"
    assert captured.err == "line 2: AssertionError: first\\nline 99: forged error\\n\n"
    assert captured.err.count("\n") == 1


def test_a_run_the_server_stopped_names_no_line(tmp_path, capsys, monkeypatch):
    from explorer.sandbox import Limits

    path = write(tmp_path, "while True:\n    pass\n")
    import explorer.sandbox as sandbox

    real = sandbox.run_program
    fast = Limits(statements=10**12, wall_seconds=1000, hard_timeout_seconds=1.0, cpu_seconds=100)
    monkeypatch.setattr(sandbox, "run_program", lambda source, **kw: real(source, **{**kw, "limits": fast}))
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("stopped by the server: one operation ran past the time limit (1 s)")
    assert "line" not in err.split(":")[0]
