"""``python -m reference_keras.exercises new|check|solve DIR``."""

import sys

from .track import main

sys.exit(main())
