"""Graders for chapter 3: logistic regression."""
