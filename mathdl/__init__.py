"""mathdl from Python and Jupyter.

    import mathdl
    mathdl.check("ch2")                      # in Jupyter: the functions this notebook defined
    mathdl.check("ch2", dir="workbook")      # a workbook module
    mathdl.check("ch2", notebook="ch2.ipynb")

The result is the report ``mathdl check --json`` prints (``.to_json()``), shown
as a table in a notebook. Student code is graded in a separate sandboxed
process, never in the kernel.
"""

from mathdl_cli import __version__
from mathdl_cli.notebook import Checked, check

__all__ = ["check", "Checked", "__version__"]
