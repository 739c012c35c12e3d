"""Chunk index off by one in the reduce-scatter: worker i sends chunk (i - s - 1) mod P at step s, so the wrong chunk is reduced."""


def _chunk_sent(s, i, P):
    return (i - s - 1) % P if s < P - 1 else (i + 1 - (s - P + 1)) % P
