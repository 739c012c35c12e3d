"""Limits a student's own check shares with the grading (``mathdl grade``, a Gradescope
autograder), so that code a check accepts is not refused by a limit where it is graded."""

GRADED_MEMORY_MB = 2048  # address space per process (and the cgroup's cap), the default of --memory
