"""Every teaching figure, in one call (issue 13).

    python -m scripts.teaching_figures --out docs/figures

* ``scripts/exposure_bias.py`` -> exposure_window.png, exposure_by_step.png
* ``scripts/step_graph.py``    -> rnn_step_graph.png
* ``scripts/vanishing.py``     -> vanishing_jacobians.png, recurrent_singular_values.png

A docs build calls ``build(figures_folder)`` (``scripts/docs_figures.py``); the worked example
is a notebook executed with the site (``docs/worked_example.py``).  It takes about
30 s on two cores: the exposure-bias and vanishing figures train the seed's
model for 20 seeds each (80 epochs, about 0.5 s per seed; a progress line
per seed goes to stderr).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from scripts import exposure_bias, step_graph, vanishing
from scripts.teaching_common import EPOCHS, SPREAD_SEEDS


def build(figures: Path, seeds: tuple[int, ...] = SPREAD_SEEDS, epochs: int = EPOCHS) -> list[Path]:
    """Write the five PNGs into ``figures``; returns every path written."""
    written: list[Path] = []
    steps = [
        ("exposure_bias", lambda: exposure_bias.write_figures(figures, seeds, epochs)),
        ("step_graph", lambda: step_graph.write_figures(figures)),
        ("vanishing", lambda: vanishing.write_figures(figures, seeds, epochs)),
    ]
    for name, run in steps:
        start = time.perf_counter()
        print(f"teaching_figures: {name} ...", file=sys.stderr, flush=True)
        written += run()
        print(
            f"teaching_figures: {name} done in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    args = p.parse_args(argv)
    for path in build(args.out):
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
