"""The exercises' command line.

::

    python -m numpy_seq2seq.exercises new   DIR     # the core's functions, bodies blanked
    python -m numpy_seq2seq.exercises check DIR [--only NAME]   # grade them, in order
    python -m numpy_seq2seq.exercises solve DIR     # the reference solutions (for teachers)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import source
from .catalog import BY_NAME, EXERCISES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m numpy_seq2seq.exercises",
        description="Write the BPTT yourself: nine exercises, graded against Keras's numbers.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("new", "write a workspace of skeletons into DIR"),
        ("solve", "write the reference solutions into DIR (for teachers)"),
        ("check", "grade the exercises in DIR, in order; exit 0 only when all pass"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("dir", type=Path, metavar="DIR")
        if name == "check":
            names = ", ".join(e.name for e in EXERCISES)
            p.add_argument("--only", metavar="NAME", help=f"one exercise: a number or {names}")
        else:
            p.add_argument("--force", action="store_true", help="overwrite existing files")
    args = parser.parse_args(argv)
    if args.command == "check":
        if args.only is not None and args.only not in BY_NAME:
            parser.error(
                f"--only must be a number 1-9 or one of "
                f"{', '.join(e.name for e in EXERCISES)}; got {args.only!r}"
            )
        return check(args.dir, args.only)
    try:
        paths = source.write_workspace(args.dir, args.command == "solve", args.force)
    except FileExistsError as err:
        parser.exit(2, f"error: {err}\n")
    kind = "reference solutions" if args.command == "solve" else "skeletons"
    print(f"Wrote {len(paths)} files of {kind} into {args.dir}:")
    for e, p in zip(EXERCISES, paths):
        print(f"  {p.name:<22} exercise {e.number}: {e.title}")
    print(f"Next: python -m numpy_seq2seq.exercises check {args.dir}")
    return 0


def check(directory: Path, only: str | None) -> int:
    """Grade the workspace, exercise by exercise; 0 when every one checked passes."""
    from .checks import Context, check_exercise, load_golden, report  # NumPy work: only here

    if not directory.is_dir():
        print(f"error: {directory} is not a directory; `new {directory}` writes a workspace")
        return 2
    ctx = Context(load_golden(), directory)
    chosen = [BY_NAME[only]] if only else list(EXERCISES)
    passed = []
    for e in chosen:
        print(f"[{e.number}/{len(EXERCISES)}] {e.name}: {e.title} ({e.filename})", flush=True)
        result = check_exercise(ctx, e)
        print(report(result), flush=True)
        passed.append(result.passed)
    failed = [e.name for e, ok in zip(chosen, passed) if not ok]
    print(
        f"\n{sum(passed)} of {len(chosen)} exercise(s) pass."
        + (
            f" Next to fix: {failed[0]} (then {', '.join(failed[1:])})."
            if len(failed) > 1
            else f" Next to fix: {failed[0]}."
            if failed
            else ""
        )
    )
    return 0 if not failed else 1
