"""The app's unhandled errors as the gunicorn log shows them (used by faults and fuzz)."""
from __future__ import annotations

import re

TRACEBACK_START = re.compile(r"Unhandled error on (\S+)")
CONTINUATION = (" ", "\t", "Traceback", "During handling", "The above exception")


def unhandled_errors(log: str) -> list[str]:
    """One line per logged unhandled error: the request path and the exception's last line."""
    found, lines = [], log.splitlines()
    for number, line in enumerate(lines):
        match = TRACEBACK_START.search(line)
        if not match:
            continue
        last = next((text for text in lines[number + 1:number + 300]
                     if text and not text.startswith(CONTINUATION)), "?")
        found.append(f"{match.group(1)}: {last}")
    return found


def summarise(errors: list[str], limit: int = 20) -> list[str]:
    """'N x path: exception' lines, the most frequent first."""
    counts: dict[str, int] = {}
    for error in errors:
        counts[error] = counts.get(error, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [f"{count}x {error[:300]}" for error, count in ranked[:limit]]
