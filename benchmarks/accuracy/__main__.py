"""``python -m benchmarks.accuracy``: see run.py."""

import sys

from benchmarks.accuracy.run import main

sys.exit(main())
