"""Graders for chapter 12: feature importance."""
