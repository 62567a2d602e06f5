"""Peak memory of one ``fit``, measured alone in this process.

    python -m benchmarks.memory numpy|keras [--hidden 256 --steps 100 --windows 2000
                                             --batch 64 --epochs 1]

``benchmarks/run.py`` starts this once per implementation, each in a fresh
subprocess, so neither pays for the other's imports or leftovers.  It prints one
JSON line.

Method.  The data (float32) and the model are made first.  Then, for each of
two ``fit`` calls, the process's peak resident set size is reset
(``/proc/self/clear_refs``) and ``VmHWM - VmRSS(before)`` after the call is
the growth of resident memory during the call.  That counts everything the
call touched: NumPy's arrays, TensorFlow's graph tracing and its tensors.  For
NumPy a second, exact count is ``tracemalloc``'s peak (NumPy reports its
array buffers to it), taken on a third call.  RSS is page-granular and malloc
may keep freed pages, so a second call's growth can be lower than its true use:
the first call's number is the fair one.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc

import numpy as np

from benchmarks.machine import peak_rss_reset, rss_kib


def make_data(windows: int, steps: int) -> tuple[np.ndarray, ...]:
    """``windows`` windows of the seed's sin -> cos series, float32."""
    from numpy_seq2seq.data import make_windows, sin_cos

    _, seq_in, seq_out = sin_cos(windows + steps)
    return tuple(a.astype(np.float32) for a in make_windows(seq_in, seq_out, steps))


def rss_growth(call) -> tuple[int, float]:
    """(peak RSS growth in KiB, seconds) of ``call()``."""
    peak_rss_reset()
    before = rss_kib("VmRSS")
    start = time.perf_counter()
    call()
    return rss_kib("VmHWM") - before, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("impl", choices=("numpy", "keras"))
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--windows", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args(argv)
    ex, dx, dy = make_data(args.windows, args.steps)
    kwargs = dict(batch_size=args.batch, epochs=args.epochs, validation_split=0.2, verbose=0)
    result = {"impl": args.impl, "data_kib": sum(a.nbytes for a in (ex, dx, dy)) // 1024}

    if args.impl == "numpy":
        from numpy_seq2seq import Seq2Seq

        model = Seq2Seq(hidden=args.hidden, dtype="float32", seed=0)
        result["rss_before_kib"] = rss_kib("VmRSS")
        for name in ("first", "second"):
            grow, secs = rss_growth(lambda: model.fit([ex, dx], dy, **kwargs))
            result[f"{name}_fit_rss_growth_kib"], result[f"{name}_fit_s"] = grow, secs
        tracemalloc.start()
        model.fit([ex, dx], dy, **kwargs)
        result["tracemalloc_peak_kib"] = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()
    else:
        from reference_keras import build_models

        model_train, _, _ = build_models(hidden=args.hidden, steps=args.steps)
        result["rss_before_kib"] = rss_kib("VmRSS")
        for name in ("first", "second"):
            grow, secs = rss_growth(lambda: model_train.fit([ex, dx], dy, **kwargs))
            result[f"{name}_fit_rss_growth_kib"], result[f"{name}_fit_s"] = grow, secs
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
