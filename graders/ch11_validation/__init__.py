"""Graders for chapter 11: training, validation and testing."""
