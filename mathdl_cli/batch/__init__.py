"""Batch grading for instructors: submissions in, gradebook and feedback out."""
