"""What travels on the ingest stream: a run's start, each capture, the run's end.

Each entry is flat Redis fields: `type`, `run` (the worker run's key), `meta` (JSON) and, for
a capture, `body` and `wire_body` as raw bytes. A capture travels as the archive's own
Capture with its content already prepared (archive.content.Prepared), so the ingest process
only writes, and a capture recorded from the stream is the one a local crawl would record.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archive import Capture
from archive.content import Prepared, prepare_content
from archive.times import utc_now

RUN, CAPTURE, FINISH = "run", "capture", "finish"
_BYTES = ("body", "wire_body")


@dataclass(frozen=True)
class Handed:
    """One capture as the ingest process reads it: Archive.record's arguments and its key."""

    key: str  # unique per capture: the worker run's key and the capture's number in it
    capture: Capture
    content: Prepared | None
    record: dict[str, Any]  # site, kind, extractor_version, lang


@dataclass(frozen=True)
class Message:
    type: str
    run: str
    meta: dict[str, Any]
    handed: Handed | None = None


def run_fields(run: str, site: str, spider: str, process: Mapping[str, Any]) -> dict[str, Any]:
    meta = {"site": site, "spider": spider, "process": dict(process), "at": utc_now()}
    return {"type": RUN, "run": run, "meta": json.dumps(meta)}


def finish_fields(run: str, status: str, stats: Mapping[str, Any]) -> dict[str, Any]:
    meta = {"status": status, "stats": stats, "at": utc_now()}
    return {"type": FINISH, "run": run, "meta": json.dumps(meta)}


def capture_fields(
    run: str,
    number: int,
    capture: Capture,
    content: Mapping[str, Any] | Prepared | None,
    **record: Any,
) -> dict[str, Any]:
    """A capture, numbered within its run, with Archive.record's keyword arguments."""
    data = {f.name: getattr(capture, f.name) for f in dataclasses.fields(Capture)}
    fields: dict[str, Any] = {"type": CAPTURE, "run": run}
    for name in _BYTES:
        if data.pop(name) is not None:
            fields[name] = getattr(capture, name)
    prepared = prepare_content(content) if content is not None else None
    meta = {
        "key": f"{run}:{number}",
        "capture": data,
        "content": dataclasses.asdict(prepared) if prepared is not None else None,
        "record": record,
    }
    fields["meta"] = json.dumps(meta, ensure_ascii=False)
    return fields


def decode(fields: Mapping[bytes, bytes]) -> Message:
    """A stream entry's fields (as redis-py returns them, bytes) as a Message; KeyError,
    TypeError or ValueError for an entry that is none of this version's."""
    kind, run = fields[b"type"].decode(), fields[b"run"].decode()
    if kind not in (RUN, CAPTURE, FINISH):
        raise ValueError(f"unknown entry type {kind!r}")
    meta = json.loads(fields[b"meta"])
    if kind != CAPTURE:
        return Message(kind, run, meta)
    data = dict(meta["capture"])
    for name in ("request_headers", "response_headers"):
        data[name] = tuple(tuple(pair) for pair in data[name])
    for name in _BYTES:
        data[name] = fields.get(name.encode())
    content = Prepared(**meta["content"]) if meta["content"] is not None else None
    handed = Handed(meta["key"], Capture(**data), content, dict(meta["record"]))
    return Message(kind, run, meta, handed)
