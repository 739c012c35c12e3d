"""The grading engine: pytest graders run against student code in a child process."""
