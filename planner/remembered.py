"""The rules' results for exact plan inputs, kept in this process and reused.

The rules and costs are pure: the same headcounts, team, hires and inputs, in the same
quarter and language, always give the same roadmap. So a page read again with nothing
changed, by the same leader or a colleague, takes the results computed the first time
instead of computing them again.

The key of a result is the inputs themselves, not a revision number that every write would
have to remember to bump: an edit anywhere (a cell, a restore, a promotion, a write another
server made) changes the inputs read from the database, and with them the key. Nothing is
ever invalidated; entries of plans no longer read are simply pushed out by newer ones.

The one exception is the people of a plan (its team, hires and costs), which are
what would cost most to read again. They are kept under the organization's people revision
(``planning.load_plan``), which every write but a headcount edit moves, and which
``tests/test_plan_revision.py`` holds every write to.

Each web process keeps its own entries (they are Python objects, never serialised), at
most ``SIZE`` of them, the least recently used leaving first.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

# Entries are small (a 40-quarter roadmap of a thousand hires is a few hundred kilobytes)
# and a process serves a few organizations at a time.
SIZE = 256


class Inputs:
    """A plan's inputs as one key: plain values, hashed once instead of at every look-up."""

    __slots__ = ("_hash", "values")

    def __init__(self, values: tuple):
        self.values = values
        self._hash = hash(values)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Inputs) and self._hash == other._hash and self.values == other.values
        )


class Entry:
    """One remembered result, and what was derived from it afterwards (its costs, say)."""

    __slots__ = ("derived", "value")

    def __init__(self, value: Any):
        self.value = value
        self.derived: dict[str, Any] = {}


class Results:
    """A bounded map from key to ``Entry``, safe for a threaded server."""

    def __init__(self, size: int = SIZE):
        self._size = size
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def entry(self, key: Hashable, compute: Callable[[], Any]) -> Entry:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        # Computed outside the lock: two threads may both compute a new key once, which
        # costs time but never a wrong answer, as both results are the same.
        entry = Entry(compute())
        with self._lock:
            self._entries[key] = entry
            self._trim()
        return entry

    def keep(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = Entry(value)
            self._trim()

    def _trim(self) -> None:
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def peek(self, key: Hashable) -> Entry | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


RESULTS = Results()
