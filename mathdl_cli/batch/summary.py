"""What the class got right and wrong, per exercise, from the graded records.

``summary.md`` in the --out folder (rebuilt with the other outputs), the
``exercises`` list of ``mathdl grade --json``, and one line of the terminal
report: for each exercise, the mean score, how many submissions got full marks,
did not start it, could not run it or lacked its module, and the checks failed
most often (where some of the exercise ran: a missing module or an import
error fails every check alike, and is counted in its own column). Check
names are the graders' own; whatever else reaches the Markdown is escaped.
"""

from __future__ import annotations

from collections import Counter

from ..console import points
from ..inert import md_inline

TOP_CHECKS = 5
NOT_RUN = ("error", "timeout")


def exercise_summary(records: dict[str, dict], columns: list[str]) -> list[dict]:
    """One row per exercise of ``columns`` (the gradebook's, in its order)."""
    rows = []
    for exercise_id in columns:
        held = [(e, rec.get("status") == "missing") for rec in records.values() for e in rec.get("exercises", []) if e.get("id") == exercise_id]
        if not held:
            continue
        entries = [e for e, _ in held]
        top = max(float(e.get("max_score", 0)) for e in entries)
        failed: Counter = Counter()
        named: dict[tuple, dict] = {}
        for e, missing in held:
            checks = e.get("checks", [])
            if missing or all(c.get("status") in NOT_RUN for c in checks):  # no module, or nothing ran (an import error): no check tells
                continue
            for check in checks:
                if check.get("status") in ("passed", "skipped", "not_started", "internal_error"):
                    continue
                key = (str(check.get("case", "")), str(check.get("name", "")))
                failed[key] += 1
                named.setdefault(key, {"case": key[0], "name": key[1], "visibility": check.get("visibility", "")})
        statuses = Counter("missing" if missing else e.get("status") for e, missing in held)
        rows.append({
            "id": exercise_id,
            "title": entries[0].get("title", ""),
            "max_score": top,
            "graded": len(entries),
            "mean": round(sum(float(e.get("score", 0)) for e in entries) / len(entries), 4),
            "full_marks": sum(1 for e in entries if top and float(e.get("score", 0)) >= top),
            "not_started": statuses.get("not_started", 0),
            "could_not_run": sum(statuses.get(s, 0) for s in NOT_RUN),
            "missing": statuses.get("missing", 0),
            "checks_failed": [{**named[key], "failed": n} for key, n in failed.most_common(TOP_CHECKS)],
        })
    return rows


def _fraction(row: dict) -> float:
    return row["mean"] / row["max_score"] if row["max_score"] else 1.0


def hardest_line(rows: list[dict], n: int = 3) -> str:
    """The exercises with the lowest mean, for the terminal ("" when all have full marks)."""
    hard = sorted((r for r in rows if r["full_marks"] < r["graded"] > r["missing"]), key=lambda r: (_fraction(r), r["id"]))[:n]
    if not hard:
        return ""
    parts = []
    for r in hard:
        worst = r["checks_failed"][0] if r["checks_failed"] else None
        most = f"; most failed: case {worst['case']} ({worst['failed']})" if worst else ""
        parts.append(f"{r['id']} (mean {points(r['mean'])}/{points(r['max_score'])}, {r['full_marks']} of {r['graded']} full marks{most})")
    return "Hardest exercises: " + ", ".join(parts) + ". Per exercise: summary.md."


def summary_markdown(rows: list[dict], submissions: int) -> str:
    lines = ["# Class summary", "", f"{submissions} submission(s). Per exercise: the mean score, and how many submissions "
             "got full marks, did not start it (a stub), could not run it (an error or a timeout) or lacked the chapter module.", "",
             "| Exercise | Mean | Full marks | Not started | Could not run | No module |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {md_inline(r['id'])} | {points(r['mean'])} / {points(r['max_score'])} | {r['full_marks']} of {r['graded']} "
                     f"| {r['not_started']} | {r['could_not_run']} | {r['missing']} |")
    failing = [r for r in sorted(rows, key=lambda r: (_fraction(r), r["id"])) if r["checks_failed"]]
    if failing:
        lines += ["", "## The checks failed most often", "",
                  "Per exercise, hardest first: the case, the check, and how many submissions it failed (an error or a timeout in "
                  "that check counts; code that could not run at all is in the table above)."]
        for r in failing:
            lines += ["", f"### {md_inline(r['id'])}: {md_inline(r['title'])}", ""]
            for c in r["checks_failed"]:
                hidden = " (hidden)" if c["visibility"] == "hidden" else ""
                lines.append(f"- case {md_inline(c['case'])}{hidden}: {md_inline(c['name'])}: {c['failed']} of {r['graded']}")
    return "\n".join(lines) + "\n"
