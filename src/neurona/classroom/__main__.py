"""``python -m neurona.classroom``: start a class's board, or export a finished class."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from neurona.i18n import _

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m neurona.classroom",
        description=_("The classroom board: a whole room's runs on one screen. The instructor "
                      "starts it; students join from their notebooks with nr.classroom.join."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help=_("start the board (or resume the class kept in --db)"),
        description=_("Start the board and print the address, the class code and the "
                      "instructor key. Stop it with Ctrl+C; start it again on the same --db to "
                      "go on with the same class: nothing is lost."))
    serve.add_argument("--host", default="0.0.0.0",
                       help=_("address to listen on (default: every network of this machine)"))
    serve.add_argument("--port", type=int, default=8765, help=_("port (default 8765; 0: any free)"))
    serve.add_argument("--db", default="neurona-class.sqlite",
                       help=_("the class's file (default: neurona-class.sqlite here)"))
    serve.add_argument("--title", default=None, help=_("the class's title, for a new class"))
    serve.add_argument("--base-url", default=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"),
                       help=_("path prefix, e.g. /services/neurona-board/ as a JupyterHub "
                              "service (default: $JUPYTERHUB_SERVICE_PREFIX or /)"))
    serve.add_argument("--json", action="store_true",
                       help=_("print one JSON line (url, code, key, db) instead of the banner"))
    export = commands.add_parser("export", help=_("write a class's runs to a CSV file"),
                                 description=_("Write the runs kept in --db to a CSV file in the "
                                               "ledger's format (nr.Ledger.read_csv reads it)."))
    export.add_argument("--db", default="neurona-class.sqlite", help=_("the class's file"))
    export.add_argument("csv", help=_("the CSV file to write"))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "export":
        return _export(args)
    parser.print_help()
    return 0


def _serve(args) -> int:
    from neurona.classroom import protocol
    from neurona.classroom.server import start

    if not 0 <= args.port <= 65535:
        print(_("--port must be from 0 to 65535, got {port}").format(port=args.port),
              file=sys.stderr)
        return 2
    try:
        board = start(args.db, host=args.host, port=args.port, title=args.title,
                      base_url=args.base_url)
    except OSError as error:
        print(_("cannot start the board: {reason}").format(reason=error.strerror or error),
              file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):   # before the banner: a script may stop it at once
        signal.signal(sig, lambda *_args: stop.set())
    if args.json:
        print(json.dumps({"url": board.url, "code": board.code, "key": board.key,
                          "db": str(Path(args.db).resolve())}), flush=True)
    else:
        code = protocol.show_code(board.code)
        print("\n".join([
            _("neurona classroom board"),
            "  " + _("students join with:  nr.classroom.join(\"{url}\", \"{code}\", "
                     "name=\"a nickname\")").format(url=board.url, code=code),
            "  " + _("class code:          {code}").format(code=code),
            "  " + _("projector page:      {url}/board  (log in with the instructor key)").format(
                url=board.url),
            "  " + _("instructor key:      {key}  (keep it to yourself)").format(key=board.key),
            "  " + _("the class is kept in {db}; Ctrl+C stops the board, nothing is lost").format(
                db=Path(args.db).resolve()),
        ]), flush=True)
    while not stop.wait(0.5):
        pass
    board.stop()
    return 0


def _export(args) -> int:
    from neurona.classroom.store import ClassStore

    if not Path(args.db).exists():
        print(_("no class file at {db}").format(db=args.db), file=sys.stderr)
        return 2
    store = ClassStore(args.db)
    path = store.ledger().to_csv(args.csv)
    store.close()
    print(_("wrote {path}").format(path=path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
