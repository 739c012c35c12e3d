"""Graders for chapter 4: perceptron and kernels."""
