"""`python -m explorer export FILE --format html|json|dot|py --out PATH`: the app's exports from the shell.

Runs the program in the sandbox like the app does, then writes the graph (forward or backward view) as a
standalone HTML page, JSON or Graphviz DOT, or the program as a `.py` file for real PyTorch. Registered in
`explorer/__main__.py` by `add_parser` and `command_export`.
"""

from __future__ import annotations

import argparse
import sys

from explorer.text import LANGUAGES, t

FORMATS = ("html", "json", "dot", "py")
VIEWS = ("forward", "backward")

def add_parser(sub, lang: str = "en") -> argparse.ArgumentParser:
    parser = sub.add_parser("export", help=t("cli.export_help", lang))
    parser.add_argument("file", metavar="FILE", help=t("cli.file_help", lang))
    parser.add_argument("--format", choices=FORMATS, required=True, help=t("cli.format_help", lang))
    parser.add_argument("--out", metavar="PATH", default="-", help=t("cli.out_help", lang))
    parser.add_argument("--view", choices=VIEWS, default="forward", help=t("cli.view_help", lang))
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help=t("cli.lang_help", lang))
    parser.add_argument("--in-process", action="store_true", help=t("cli.in_process_help", lang))
    return parser


def export_text(source: str, fmt: str, view: str = "forward", lang: str = "en",
                isolated: bool = True) -> tuple[str | None, str | None]:
    """(file text, problem): the export of `source` in `fmt`, or None and why not."""
    from explorer.export_program import export_program
    from explorer.graph_figures import graph_figure
    from explorer.graph_files import figure_to_html, graph_to_dot, graph_to_json
    from explorer.graph_layout import layered_layout
    from explorer.playground_model import graph_of, overlay_of, run_program

    result = run_program(source, lang=lang, isolated=isolated)
    if fmt == "py":
        return export_program(source, result.leaves, {}), None
    graph = graph_of(result, view)
    if graph is None:
        problem = t("cli.no_graph", lang, view=view)
        if result.error is not None:
            problem = t("cli.error_line", lang, line=result.error.line, message=result.error.message)
        return None, problem
    layout = layered_layout(graph)
    if fmt == "json":
        return graph_to_json(graph, layout), None
    if fmt == "dot":
        return graph_to_dot(graph), None
    node_grads, edge_grads = overlay_of(result, view, graph)
    fig = graph_figure(graph, layout, lang=lang, node_gradients=node_grads, edge_gradients=edge_grads,
                       tensor_names=result.names)
    return figure_to_html(fig), None


def command_export(args: argparse.Namespace) -> int:
    from explorer.__main__ import _read_program

    lang = args.lang
    source, problem = _read_program(args.file, lang)
    if source is None:
        print(problem)
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
