"""q_n ≥ q_+ counted as an exit (the inequality must be strict)."""


def _past(q, q_plus):
    return q >= q_plus
