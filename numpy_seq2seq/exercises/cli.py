"""The exercises' command line.

::

    python -m numpy_seq2seq.exercises new   DIR     # the core's functions, bodies blanked
    python -m numpy_seq2seq.exercises check DIR [--only NAME]... [--hint]   # grade them
    python -m numpy_seq2seq.exercises solve DIR     # the reference solutions (for teachers)
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import notebook, source
from .catalog import BY_NAME, EXERCISES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m numpy_seq2seq.exercises",
        description="Write the BPTT yourself: exercises graded against Keras's numbers.",
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
            p.add_argument(
                "--only",
                metavar="NAME",
                action="append",
                help=f"check only this exercise (repeat it for several): a number or {names}",
            )
            p.add_argument(
                "--hint", action="store_true", help="add a hint to each exercise that fails"
            )
        else:
            p.add_argument("--force", action="store_true", help="overwrite existing files")
            p.add_argument(
                "--notebook", action="store_true", help="write Jupyter notebooks (.ipynb)"
            )
    args = parser.parse_args(argv)
    if args.command == "check":
        unknown = [name for name in args.only or () if name not in BY_NAME]
        if unknown:
            numbers = f"{EXERCISES[0].number}-{EXERCISES[-1].number}"
            parser.error(
                f"--only must be a number {numbers} or one of "
                f"{', '.join(e.name for e in EXERCISES)}; got {', '.join(map(repr, unknown))}"
            )
        return check(args.dir, args.only, args.hint)
    write = notebook.write_notebooks if args.notebook else source.write_workspace
    try:
        paths = write(args.dir, EXERCISES, args.command == "solve", args.force)
    except FileExistsError as err:
        parser.exit(2, f"error: {err}\n")
    kind = "reference solutions" if args.command == "solve" else "skeletons"
    print(f"Wrote {len(paths)} files of {kind} into {args.dir}:")
    width = max(len(p.name) for p in paths)
    for e, p in zip(EXERCISES, paths):
        print(f"  {p.name:<{width}}  exercise {e.number}: {e.title}")
    print(f"Next: python -m numpy_seq2seq.exercises check {args.dir}")
    return 0


def check(directory: Path, only: list[str] | None = None, hint: bool = False) -> int:
    """Grade the workspace, exercise by exercise; 0 when every one checked passes."""
    from .checks import check_exercise, report  # NumPy work: only here
    from .exercise import Context, load_golden

    if not directory.is_dir():
        print(f"error: {directory} is not a directory; `new {directory}` writes a workspace")
        return 2
    ctx = Context(load_golden(), directory)
    chosen = list(dict.fromkeys(BY_NAME[name] for name in only)) if only else list(EXERCISES)
    chosen.sort(key=lambda e: e.number)
    passed = []
    for e in chosen:
        print(f"[exercise {e.number}] {e.name}: {e.title} ({e.filename})", flush=True)
        try:
            result = check_exercise(ctx, e)
        except Exception:  # the learner's code runs inside grading.run: this is ours
            print(
                f"The checker itself failed on exercise {e.number}: a bug in numpy_seq2seq, "
                "not in your code. Please report it with this traceback:"
            )
            traceback.print_exc(file=sys.stdout)
            return 3
        print(report(result, hint), flush=True)
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
        + ("" if hint or not failed else " Stuck? Add --hint.")
    )
    return 0 if not failed else 1
