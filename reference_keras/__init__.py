"""reference_keras: the seed's Seq2Seq exercise, exactly as the course wrote it, on Keras 3.

This is the *judge* of ``numpy_seq2seq``: the two packages never import each
other, and only ``tests/`` and ``scripts/`` hold both.  It is the only package
that imports TensorFlow.

>>> from reference_keras import build_models, sin_cos_seed, make_windows_seed
>>> x, seq_in, seq_out = sin_cos_seed()
>>> ex, dx, dy = make_windows_seed(seq_in, seq_out)
>>> model_train, model_pred_e, pred_d_model = build_models()
>>> model_train.count_params()
251
"""

import os

# TensorFlow reads this when it is first imported: hide its C++ INFO/WARNING lines.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from .data import make_windows_seed, sin_cos_seed  # noqa: E402
from .inference import (  # noqa: E402
    predict,
    predict_attention,
    predict_seed,
    predict_seed_attention,
)
from .models import build_models, floatx, model_dtype  # noqa: E402
from .training import replay_fit  # noqa: E402

__all__ = [
    "build_models",
    "floatx",
    "make_windows_seed",
    "model_dtype",
    "predict",
    "predict_attention",
    "predict_seed",
    "predict_seed_attention",
    "replay_fit",
    "sin_cos_seed",
]
