"""What "a non-blank figure" means in the tests of the commands that draw them.

Not a test module.
"""

from pathlib import Path

import numpy as np


def assert_nonblank_png(path: Path) -> None:
    """The file is a PNG of some size whose pixels are not all one colour."""
    import matplotlib.image

    assert path.is_file(), f"{path} was not written"
    assert path.stat().st_size > 10_000, f"{path} is suspiciously small"
    img = matplotlib.image.imread(path)
    assert img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 300
    # Each pixel's channels packed into one integer: a 1-D unique, fast on big figures.
    channels = np.round(img * 255).astype(np.uint64).reshape(-1, img.shape[-1])
    packed = sum(channels[:, i] << np.uint64(8 * i) for i in range(channels.shape[1]))
    colours = np.unique(packed)
    assert len(colours) > 20, f"{path} has only {len(colours)} colours"
    assert img[..., :3].std() > 0.02, f"{path} is nearly uniform"
