"""What machine and which libraries a benchmark ran on, for the results table."""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import platform

import numpy as np


def _openblas():
    """NumPy's bundled OpenBLAS (``scipy-openblas``) through ctypes, or None for another BLAS."""
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(libs, "libscipy_openblas*.so*")):
        lib = ctypes.CDLL(path)
        if hasattr(lib, "scipy_openblas_get_corename64_"):
            lib.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
            return lib
    return None


def blas_kernel() -> str:
    """The kernel OpenBLAS picked at load time (e.g. ``SkylakeX``) and its thread count.

    Asked of the library itself: ``OPENBLAS_CORETYPE`` overrides OpenBLAS's own
    CPU detection, so this is what actually runs.  (threadpoolctl would say the
    same; it is not a dependency of the project.)
    """
    lib = _openblas()
    if lib is None:
        return "unknown (not NumPy's bundled OpenBLAS)"
    name = lib.scipy_openblas_get_corename64_().decode()
    return f"OpenBLAS {name}, {lib.scipy_openblas_get_num_threads64_()} threads"


@contextlib.contextmanager
def blas_threads(count: int):
    """Run a block with OpenBLAS limited to ``count`` threads (TensorFlow is not affected)."""
    lib = _openblas()
    if lib is None:
        yield
        return
    before = lib.scipy_openblas_get_num_threads64_()
    lib.scipy_openblas_set_num_threads64_(count)
    try:
        yield
    finally:
        lib.scipy_openblas_set_num_threads64_(before)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def describe() -> dict[str, str]:
    """Machine, versions and the BLAS settings, as strings."""
    info = {
        "cpu": f"{cpu_model()}, {os.cpu_count()} cores",
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_kernel(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE", "(unset)"),
        "load average at start": load_average(),
    }
    return info


def peak_rss_reset() -> None:
    """Reset this process's peak resident set size (Linux: ``clear_refs`` value 5)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def rss_kib(field: str = "VmRSS") -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak since start or the last reset) in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")
