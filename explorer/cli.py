"""The command line, `python -m explorer`:

- `run FILE` (or `-` for standard input) prints a program's output as the app shows it; exit status 0, or 1
  with `line N: message` (in the chosen language) as the last line on standard error when the program fails
  (for a pasted notebook, when a cell raised: its error is also in the output, and the later cells ran).
  Output and messages are written as plain text: terminal escapes and other control characters a program
  prints are shown escaped, and a message is always one line.
- `export FILE --format html|json|dot|py [--out PATH] [--view forward|backward]` writes what the Playground's
  download buttons give (explorer/exports.py).

Sub-commands are registered in HANDLERS; each gets its own argparse sub-parser in `build_parser`.
"""

from __future__ import annotations

import argparse
import sys

from explorer.sandbox.result import plain_line
from explorer.text import LANGUAGES, t

FORMATS = ("html", "json", "dot", "py")
VIEWS = ("forward", "backward")


def _read_program(path: str, lang: str) -> tuple[str | None, str | None]:
    """The program text, or an error message."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    except OSError as exc:
        return None, t("cli.cannot_read", lang, path=path, reason=exc.strerror or str(exc))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, t("cli.error_line", lang, line=1, message=t("sandbox.not_utf8", lang))


def command_run(args: argparse.Namespace) -> int:
    from explorer.sandbox import run_program

    lang = args.lang
    source, problem = _read_program(args.file, lang)
    if source is None:
        print(problem, file=sys.stderr)
        return 1
    result = run_program(source, lang=lang, isolated=not args.in_process)
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):
        if hasattr(stream, "reconfigure"):  # a terminal that cannot show Chinese still gets every line, escaped
            stream.reconfigure(errors="backslashreplace")
    text = result.text(lang)
    out.write(terminal_safe(text))
    if text and not text.endswith("\n"):
        out.write("\n")
    out.flush()
    error = result.reported_error  # the error that ended the run, or a notebook's first cell that raised
    if error is not None:
        # the error goes to standard error, always as the last line: `line N: message`, one line, escaped
        err.write(error.one_line(lang) + "\n")
        err.flush()
        return 1
    return 0


def terminal_safe(text: str) -> str:
    """The program's output with terminal escapes and other control characters (but not line breaks or tabs)
    made visible, so that printed text cannot move the cursor, recolour or clear the user's terminal."""
    return plain_line(text, keep="\n\t")


def command_export(args: argparse.Namespace) -> int:
    from explorer.exports import export_text

    lang = args.lang
    source, problem = _read_program(args.file, lang)
    if source is None:
        print(problem, file=sys.stderr)
        return 1
    text, problem = export_text(source, args.format, args.view, lang, isolated=not args.in_process)
    if text is None:
        print(problem, file=sys.stderr)
        return 1
    if args.out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        print(t("cli.cannot_write", lang, path=args.out, reason=exc.strerror or str(exc)), file=sys.stderr)
        return 1
    print(t("cli.wrote", lang, path=args.out), file=sys.stderr)
    return 0


# sub-command name -> handler(args) -> exit status
HANDLERS = {
    "run": command_run,
    "export": command_export,
}


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m explorer", description=t("cli.description", lang))
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help=t("cli.run_help", lang))
    run.add_argument("file", metavar="FILE", help=t("cli.file_help", lang))
    run.add_argument("--lang", choices=LANGUAGES, default="en", help=t("cli.lang_help", lang))
    run.add_argument("--in-process", action="store_true", help=t("cli.in_process_help", lang))
    export = sub.add_parser("export", help=t("cli.export_help", lang))
    export.add_argument("file", metavar="FILE", help=t("cli.file_help", lang))
    export.add_argument("--format", choices=FORMATS, required=True, help=t("cli.format_help", lang))
    export.add_argument("--out", metavar="PATH", default="-", help=t("cli.out_help", lang))
    export.add_argument("--view", choices=VIEWS, default="forward", help=t("cli.view_help", lang))
    export.add_argument("--lang", choices=LANGUAGES, default="en", help=t("cli.lang_help", lang))
    export.add_argument("--in-process", action="store_true", help=t("cli.in_process_help", lang))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return HANDLERS[args.command](args)
