"""``python -m numpy_seq2seq.exercises new|check|solve DIR [--only NAME]``."""

import sys

from .cli import main

sys.exit(main())
