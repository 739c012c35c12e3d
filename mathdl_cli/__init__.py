"""mathdl: a workbook and grader for the mathematics of deep learning."""

__version__ = "0.1.0"
