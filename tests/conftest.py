import os
import sys
from pathlib import Path

# One BLAS thread: the suite runs on 2 cores next to sandboxed children, and a
# threaded OpenBLAS is many times slower when the cores are busy.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# tests import their helpers as plain modules (tests/support.py)
sys.path.insert(0, str(Path(__file__).parent))
