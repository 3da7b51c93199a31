"""Finding cameras by any part of their number, id, name or place, as fast for a miss as a hit.

Measured on 50,000 cameras: SQLite's FTS5 trigram index cannot take queries of one or two
characters (many Chinese words are two), and scanning the table for them took 37 ms for a
miss; joining the fields into one indexed text let a query match across the seam (`东 嘉兴`
found 8,336 cameras, none of which has it).  Here each camera's number, id and name, and
each distinct place path, are lower-cased into one long string per kind, separated by
characters no catalog text may hold (import refuses control characters); `str.find` walks it
at memory speed, and a hit maps back to its camera by bisection.  Misses cost one pass
(about 3 ms at 50,000 cameras), hits stop after `limit` cameras, and a query whose
characters never occur costs nothing.  Built at import, stored in the catalog database,
loaded on the first search.
"""

from __future__ import annotations

import array
import bisect
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FIELD = "\x00"  # between a camera's number, id and name: a query cannot span them
ENTRY = "\x01"  # between cameras (and between places)
PLACE_SEPARATOR = " / "
MAX_QUERY = 256  # longer than any field: such a query cannot match


def _key(text: str) -> str:
    return text.lower()


@dataclass
class SearchIndex:
    numbers: array.array[int]  # camera numbers, ascending: position k is camera k
    entries: str  # "number\0id\0name\1" per camera, lower-cased
    entry_starts: array.array[int]  # where camera k's entry starts
    places: str  # each distinct place path, lower-cased, "\1" after each
    place_starts: array.array[int]
    place_of: array.array[int]  # camera k's place, as an index into places
    entry_chars: frozenset[str]
    place_chars: frozenset[str]
    _by_place: list[list[int]] | None = None  # camera positions per place, made when first needed

    # -- building and storing -------------------------------------------------------------
    @classmethod
    def build(cls, cameras: Iterable[tuple[int, str, str, str]]) -> SearchIndex:
        """From (number, id, name, place path) in ascending number order."""
        numbers = array.array("q")
        entry_parts: list[str] = []
        entry_starts = array.array("q")
        place_ids: dict[str, int] = {}
        place_of = array.array("q")
        position = 0
        for number, camera_id, name, place in cameras:
            text = _key(f"{number}{FIELD}{camera_id}{FIELD}{name}") + ENTRY
            numbers.append(number)
            entry_starts.append(position)
            entry_parts.append(text)
            position += len(text)
            place_of.append(place_ids.setdefault(_key(place), len(place_ids)))
        place_texts = list(place_ids)
        place_starts = array.array("q")
        position = 0
        for text in place_texts:
            place_starts.append(position)
            position += len(text) + 1
        entries, places = "".join(entry_parts), ENTRY.join(place_texts) + (ENTRY if place_texts else "")
        return cls(numbers, entries, entry_starts, places, place_starts, place_of,
                   frozenset(entries), frozenset(places))

    def to_rows(self) -> list[tuple[str, bytes]]:
        """(name, value) rows for the catalog database's search_index table."""
        meta = {"entry_chars": "".join(sorted(self.entry_chars)), "place_chars": "".join(sorted(self.place_chars))}
        return [("numbers", self.numbers.tobytes()), ("entries", self.entries.encode("utf-8", "surrogatepass")),
                ("entry_starts", self.entry_starts.tobytes()),
                ("places", self.places.encode("utf-8", "surrogatepass")),
                ("place_starts", self.place_starts.tobytes()), ("place_of", self.place_of.tobytes()),
                ("meta", json.dumps(meta, ensure_ascii=False).encode("utf-8"))]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, bytes]]) -> SearchIndex:
        values = dict(rows)

        def ints(name: str) -> array.array[int]:
            out = array.array("q")
            out.frombytes(values[name])
            return out

        meta = json.loads(values["meta"].decode("utf-8"))
        return cls(ints("numbers"), values["entries"].decode("utf-8", "surrogatepass"), ints("entry_starts"),
                   values["places"].decode("utf-8", "surrogatepass"), ints("place_starts"), ints("place_of"),
                   frozenset(meta["entry_chars"]), frozenset(meta["place_chars"]))

    # -- searching ---------------------------------------------------------------------------
    def find(self, text: str, limit: int | None) -> list[int]:
        """Camera numbers whose number, id, name or place contains `text` (any case), ascending;
        at most `limit` of them (None: all)."""
        query = _key(text.strip())
        if not query or len(query) > MAX_QUERY or FIELD in query or ENTRY in query:
            return []
        wanted = limit if limit is not None else len(self.numbers)
        if wanted <= 0:
            return []
        hits = self._entry_hits(query, wanted)
        hits = self._merge(hits, self._place_hits(query, wanted), wanted)
        return [self.numbers[k] for k in hits]

    def _entry_hits(self, query: str, wanted: int) -> list[int]:
        if not set(query) <= self.entry_chars:
            return []
        found: list[int] = []
        text, starts = self.entries, self.entry_starts
        at = text.find(query)
        while at >= 0 and len(found) < wanted:
            k = bisect.bisect_right(starts, at) - 1
            found.append(k)
            after = starts[k + 1] if k + 1 < len(starts) else len(text)
            at = text.find(query, after)  # one hit per camera: go on from the next camera
        return found

    def _place_hits(self, query: str, wanted: int) -> list[int]:
        if not set(query) <= self.place_chars:
            return []
        matched: set[int] = set()
        text, starts = self.places, self.place_starts
        at = text.find(query)
        while at >= 0:
            p = bisect.bisect_right(starts, at) - 1
            matched.add(p)
            at = text.find(query, starts[p + 1] if p + 1 < len(starts) else len(text))
        if not matched:
            return []
        by_place = self._cameras_by_place()
        total = sum(len(by_place[p]) for p in matched)
        if total <= 4 * wanted or len(matched) * 4 < len(by_place):
            # Few cameras, or few places: their lists, merged.
            return sorted(k for p in matched for k in by_place[p])[:wanted]
        found: list[int] = []  # most places match: walk the cameras in order, stop at `wanted`
        for k, place in enumerate(self.place_of):
            if place in matched:
                found.append(k)
                if len(found) >= wanted:
                    break
        return found

    def _cameras_by_place(self) -> list[list[int]]:
        if self._by_place is None:
            by_place: list[list[int]] = [[] for _ in self.place_starts]
            for k, place in enumerate(self.place_of):
                by_place[place].append(k)
            self._by_place = by_place
        return self._by_place

    @staticmethod
    def _merge(first: Sequence[int], second: Sequence[int], wanted: int) -> list[int]:
        if not second:
            return list(first[:wanted])
        if not first:
            return list(second[:wanted])
        return sorted(set(first) | set(second))[:wanted]
