"""Grading past one machine: shards of a class, and merging their stores.

``--shard K/N`` keeps the submissions whose student id hashes to K modulo N
(K from 0 to N-1, as Slurm array and Kubernetes completion indices count), so
N machines given the same submissions and the same command grade disjoint
shares that together cover the class, whatever order they see them in. Each
shard writes its own store (``results.jsonl`` in its ``--out``).

:func:`merge_stores` joins stores into one: one record per student, the
latest (``graded_at``, then the later store on the command line) winning,
written atomically; the outputs are then rebuilt from it like after any run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from .runner import RESULTS, read_store


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` -> (K, N) with 0 <= K < N; raises ValueError saying what is expected."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m or int(m.group(2)) < 1 or int(m.group(1)) >= int(m.group(2)):
        raise ValueError(f"--shard must be K/N with N >= 1 and K from 0 to N-1 (e.g. 0/3, 1/3, 2/3), not {text!r}")
    return int(m.group(1)), int(m.group(2))


def shard_of(student: str, n: int) -> int:
    """The shard (0..n-1) of a student id: a hash, the same on every machine."""
    digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % n


def store_path(path: Path) -> Path:
    """A store given as its folder (an earlier --out) or as its results.jsonl."""
    return path / RESULTS if path.is_dir() else path


def merge_stores(stores: list[Path], out: Path) -> tuple[dict[str, dict], list[str]]:
    """Merge the stores into ``out/results.jsonl`` (``out``'s own store, if it
    has one, takes part as the oldest). Returns the records and warnings."""
    warnings: list[str] = []
    own = out / RESULTS
    paths = [own] if own.exists() and all(store_path(s).resolve() != own.resolve() for s in stores) else []
    paths += [store_path(s) for s in stores]
    merged: dict[str, dict] = {}
    origin: dict[str, int] = {}
    options: set[str] = set()
    for order, path in enumerate(paths):
        if not path.is_file():
            warnings.append(f"{path} does not exist: nothing was merged from it (did that shard run?)")
            continue
        records = read_store(path)
        for student, rec in records.items():
            options.add(str(rec.get("options", "")))
            old = merged.get(student)
            if old is None or (str(rec.get("graded_at", "")), order) >= (str(old.get("graded_at", "")), origin[student]):
                merged[student], origin[student] = rec, order
    if len(options) > 1:
        warnings.append("the stores were graded with different chapters or secrets: the merged gradebook mixes them (grade every shard with the same command)")
    out.mkdir(parents=True, exist_ok=True)
    tmp = own.with_name(RESULTS + ".merging")
    with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as fh:
        for student in sorted(merged):
            fh.write(json.dumps(merged[student], ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, own)
    return merged, warnings

