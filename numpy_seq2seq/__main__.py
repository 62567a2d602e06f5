"""``python -m numpy_seq2seq train | predict``; see ``numpy_seq2seq.cli``."""

import sys

from .cli import main

sys.exit(main())
