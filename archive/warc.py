"""Write the archive's captures as a standard WARC 1.1 file (warcio), streaming.

One warcinfo record, then per capture a response record and its request record, the request
pointing at the response with WARC-Concurrent-To (the order and links Heritrix writes, which
py-wacz reads to find pages). A body already written earlier in the same file becomes a revisit
record (identical-payload-digest profile). A 304 becomes a revisit record (server-not-modified
profile) of the capture it revalidated: the page's 2xx before it whose ETag or Last-Modified the
304's request sent back (If-None-Match, If-Modified-Since), else its latest 2xx before it, even
when that capture is not in the file (--since): WARC-Refers-To-Target-URI, WARC-Refers-To-Date and
WARC-Payload-Digest name it, so pywb replays the 304 as that body and CDX indexers find a
digest on every record. That revisit has no HTTP block, because pywb answers any revisit whose
block holds a 3xx status with an empty body; the 304's own status line and headers follow it
in a metadata record (application/warc-fields, which replay tools and indexers pass over).

Bodies are written as received: a gzip/deflate/br/zstd body as the server compressed it, under
its own Content-Encoding header (Archive.body()). What the file cannot say as received: HTTP
clients hand over bodies de-chunked, and archives written before schema 4 kept compressed
bodies decoded (their captures say so in extra.body_decoded_from). Headers describing a coding
the stored body no longer has are kept under an `X-Archive-Orig-` prefix and a Content-Length
for the stored body is added, the convention of web-archive replay tools; every other header is
written as stored, in order.

Captures are written in fetch-time order, which is also the order the revisits need. In an
archive made by `uninews merge`, capture ids are not in that order (the other archive's older
fetches get the newest ids), so neither the file's order nor a revisit's original go by id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from io import BytesIO
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from .errors import NotFound
from .store import Archive
from .times import fixed_width_sql, since_bound, stored_instant
from .version import VERSION

WARC_VERSION = "1.1"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
ORIG_PREFIX = "X-Archive-Orig-"
GZIP_MAGIC = b"\x1f\x8b"

ROWS_AT_A_TIME = 256  # captures read per query while writing
EARLIER_LOOKED_AT = 50  # a 304 whose original is out of the file: its page's 2xx looked at

# Progress callback: (captures written so far, total to write).
Progress = Callable[[int, int], None]


@dataclass
class WarcSummary:
    """What write_warc() wrote; `text()` is the summary line of `uninews warc`."""

    captures: int = 0
    responses: int = 0
    revisits: int = 0
    not_modified: int = 0
    skipped: int = 0  # fetches that got no response (nothing for a WARC record to hold)
    sites: set[str] = field(default_factory=set)

    def text(self, path: str, size: int) -> str:
        return (
            f"Wrote {self.captures} captures to {path} ({size:,} bytes): "
            f"{self.responses} responses, {self.revisits} revisits of identical bodies, "
            f"{self.not_modified} not-modified revisits; {self.skipped} fetches without a "
            "response left out"
        )


@dataclass(frozen=True)
class _Original:
    """The capture a later revisit refers to (record_id None: not in this file)."""

    record_id: str | None
    uri: str
    date: str
    payload_digest: str

    def refers_to(self) -> dict[str, str]:
        """The WARC headers of a revisit of this capture."""
        headers = {} if self.record_id is None else {"WARC-Refers-To": self.record_id}
        headers["WARC-Refers-To-Target-URI"] = self.uri
        headers["WARC-Refers-To-Date"] = self.date
        headers["WARC-Payload-Digest"] = self.payload_digest
        return headers


def payload_digest(payload: bytes) -> str:
    """WARC-Payload-Digest of a payload, as warcio writes it (sha1, base32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def warc_date(fetched_at: str) -> str:
    """fetched_at as a WARC 1.1 date (UTC, `Z`, with the fraction of a second when the capture
    has one; earlier uninews stamped captures to the second)."""
    moment = stored_instant(fetched_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    fraction = moment.microsecond or "." in fetched_at
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ"
    return moment.strftime(fmt)


FETCHED_AT = fixed_width_sql("fetched_at")  # a capture's fetch time, sortable as text


def selection_sql(
    site: str | None, since: str | None, until: str | None = None
) -> tuple[str, list[str]]:
    """The WHERE clause (or "") choosing captures by site and fetch time, with its parameters
    (`since` and `until` as times.since_bound() gives them; compared as text, to the microsecond:
    SQLite's julianday() keeps milliseconds only)."""
    where, params = [], []
    if site is not None:
        where.append("site = ?")
        params.append(site)
    if since is not None:
        where.append(f"{FETCHED_AT} >= ?")
        params.append(since)
    if until is not None:
        where.append(f"{FETCHED_AT} <= ?")
        params.append(until)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def captures_sql(
    site: str | None, since: str | None, until: str | None = None
) -> tuple[str, list[str]]:
    """The captures to write (built apart from running it, like sqlite-utils)."""
    where, params = selection_sql(site, since, until)
    return "SELECT * FROM captures" + where, params


def fixed_width(fetched_at: str) -> str:
    """fetched_at as FETCHED_AT writes it, to compare with it as text."""
    return fetched_at[:19] + ".000000Z" if len(fetched_at) == 20 else fetched_at


def validators(headers: list[list[str]], *names: str) -> tuple[str | None, ...]:
    """The first value of each named header (lower-case names), None when absent."""
    found: dict[str, str] = {}
    for name, value in headers:
        found.setdefault(name.lower(), value.strip())
    return tuple(found.get(n) for n in names)


def revalidated(
    earlier: list[tuple[str | None, str | None]],
    if_none_match: str | None,
    if_modified_since: str | None,
) -> int:
    """Of a page's 2xx answers before a 304, as (ETag, Last-Modified), oldest first, the index
    of the one its request named: the latest whose ETag is in If-None-Match, else whose
    Last-Modified is If-Modified-Since, else the latest (a server may answer 304 to a request
    without validators)."""
    tags = {t.strip().removeprefix("W/") for t in (if_none_match or "").split(",") if t.strip()}
    for i in range(len(earlier) - 1, -1, -1):
        etag = earlier[i][0]
        if etag and etag.removeprefix("W/") in tags:
            return i
    if if_modified_since:
        for i in range(len(earlier) - 1, -1, -1):
            if earlier[i][1] == if_modified_since:
                return i
    return len(earlier) - 1


def request_target(url: str) -> tuple[str, str]:
    """(host[:port], path?query) of a URL, for the request line and the Host header."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return parts.netloc, path + (f"?{parts.query}" if parts.query else "")


def request_headers(url: str, stored: list[list[str]]) -> list[tuple[str, str]]:
    """Request headers as sent. The HTTP client adds Host itself, after the others (Scrapy's
    does, as a server sees it), so a capture without one gets it at the end."""
    headers = [(name, value) for name, value in stored]
    if not any(name.lower() == "host" for name, _ in headers):
        headers.append(("Host", request_target(url)[0]))
    return headers


def payload_headers(
    stored: list[list[str]], body: bytes, decoded_from: str | None = None
) -> list[tuple[str, str]]:
    """Response headers that agree with the stored body (see the module docstring).

    `decoded_from`: the Content-Encoding the crawler removed from the body, if it said so.
    """
    out: list[tuple[str, str]] = []
    length_ok = True
    for name, value in stored:
        lower = name.lower()
        if lower == "transfer-encoding":
            out.append((ORIG_PREFIX + name, value))
        elif lower == "content-encoding" and (decoded_from or not _encoded(value, body)):
            out.append((ORIG_PREFIX + name, value))
        elif lower == "content-length" and value.strip() != str(len(body)):
            out.append((ORIG_PREFIX + name, value))
            length_ok = False
        else:
            out.append((name, value))
    if not length_ok or not any(n.lower() == "content-length" for n, _ in out):
        out.append(("Content-Length", str(len(body))))
    return out


def _encoded(coding: str, body: bytes) -> bool:
    """Whether a body the crawler said nothing about still carries its Content-Encoding
    (gzip can be told by its bytes; any other coding is taken as kept)."""
    if coding.strip().lower() in ("gzip", "x-gzip"):
        return body.startswith(GZIP_MAGIC)
    return True


class WarcExport:
    """Writes one archive's captures into one WARC stream."""

    def __init__(self, archive: Archive, out: BinaryIO, filename: str = "") -> None:
        self.archive = archive
        self.writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
        self.filename = filename
        self.by_body: dict[str, _Original] = {}  # body sha256 -> first response record
        # page URL -> its 2xx bodies written, the latest per (ETag, Last-Modified), oldest first:
        # a page fetched daily for a year is one entry per validator pair, not 365
        self.by_url: dict[str, dict[tuple[str | None, str | None], _Original]] = {}

    def write_warcinfo(self, site: str | None, since: str | None, until: str | None = None) -> None:
        info = {
            "software": f"uninews/{VERSION} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "description": "Captures exported from a uninews archive",
            "isPartOf": site or "",
            "since": since or "",
            "until": until or "",
        }
        self.writer.write_record(self.writer.create_warcinfo_record(self.filename, info))

    def write_capture(self, row: sqlite3.Row, summary: WarcSummary) -> None:
        url = row["requested_url"]
        date = warc_date(row["fetched_at"])
        response_id = StatusAndHeadersParser.make_warc_id()
        common = {"WARC-Date": date}
        if row["ip_address"]:
            common["WARC-IP-Address"] = row["ip_address"]

        status_line = f"{row['http_status']} {row['reason'] or ''}".rstrip()
        protocol = row["protocol"] or "HTTP/1.1"
        stored_headers = json.loads(row["headers"])
        sha = row["body_sha256"]
        decoded_from = None
        if sha is not None and self.archive.body_encoding(sha) is None:
            # kept decoded by an uninews before schema 4 (a body kept as received has a coding)
            decoded_from = json.loads(row["extra"] or "{}").get("body_decoded_from")

        extra: list[object] = []
        if row["http_status"] == 304:
            record, *extra = self._not_modified(
                url, row, response_id, common, status_line, protocol
            )
            summary.not_modified += 1
        elif sha is not None and sha in self.by_body:
            original = self.by_body[sha]
            body = self.archive.body(sha)
            http = StatusAndHeaders(
                status_line, payload_headers(stored_headers, body, decoded_from), protocol=protocol
            )
            record = self.writer.create_warc_record(
                url,
                "revisit",
                http_headers=http,
                warc_headers_dict={
                    "WARC-Record-ID": response_id,
                    **common,
                    "WARC-Profile": PROFILE_IDENTICAL,
                    **original.refers_to(),
                },
            )
            if 200 <= row["http_status"] < 300:  # a later 304 may stand for that body
                self._answered(row, original, stored_headers)
            summary.revisits += 1
        else:
            body = self.archive.body(sha) if sha is not None else b""
            http = StatusAndHeaders(
                status_line, payload_headers(stored_headers, body, decoded_from), protocol=protocol
            )
            record = self.writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Record-ID": response_id, **common},
            )
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            original = _Original(response_id, url, date, digest)
            if sha is not None:
                self.by_body.setdefault(sha, original)
            if 200 <= row["http_status"] < 300:
                self._answered(row, original, stored_headers)
            summary.responses += 1

        # Heritrix's order: the response, then the request that points at it.
        self.writer.write_record(record)
        self.writer.write_record(self._request(url, row, response_id, common))
        for more in extra:
            self.writer.write_record(more)
        summary.captures += 1
        summary.sites.add(row["site"])

    def _request(self, url: str, row: sqlite3.Row, response_id: str, common: dict) -> object:
        target = request_target(url)[1]
        http = StatusAndHeaders(
            f"{row['method']} {target} {row['protocol'] or 'HTTP/1.1'}",
            request_headers(url, json.loads(row["request_headers"])),
            is_http_request=True,
        )
        return self.writer.create_warc_record(
            url,
            "request",
            http_headers=http,
            warc_headers_dict={**common, "WARC-Concurrent-To": response_id},
        )

    def _answered(self, row: sqlite3.Row, original: _Original, headers: list[list[str]]) -> None:
        """Keep a 2xx body written, with its validators, for the 304s after it."""
        answered = validators(headers, "etag", "last-modified")
        written = self.by_url.setdefault(row["url"], {})
        written.pop(answered, None)  # re-added as the latest
        written[answered] = original

    def _revalidated(self, url: str, row: sqlite3.Row) -> _Original | None:
        """The capture a 304 revalidated: the 2xx before it whose validators its request sent
        back, else the page's latest 2xx before it; in this file, else in the archive (left
        out of the file by --since)."""
        sent = validators(json.loads(row["request_headers"]), "if-none-match", "if-modified-since")
        written = self.by_url.get(row["url"])
        if written:
            return list(written.values())[revalidated(list(written), *sent)]
        earlier = self.archive.conn.execute(
            f"SELECT requested_url, fetched_at, body_sha256, headers FROM captures"
            f" WHERE url = ? AND {FETCHED_AT} < ? AND http_status BETWEEN 200 AND 299"
            f" AND body_sha256 IS NOT NULL ORDER BY {FETCHED_AT} DESC, id DESC"
            f" LIMIT {EARLIER_LOOKED_AT}",  # index captures_url
            (row["url"], fixed_width(row["fetched_at"])),
        ).fetchall()[::-1]
        if not earlier:
            return None
        answers = [validators(json.loads(e["headers"]), "etag", "last-modified") for e in earlier]
        chosen = earlier[revalidated(answers, *sent)]
        body = self.archive.body(chosen["body_sha256"])
        return _Original(
            None, chosen["requested_url"], warc_date(chosen["fetched_at"]), payload_digest(body)
        )

    def _not_modified(
        self,
        url: str,
        row: sqlite3.Row,
        response_id: str,
        common: dict,
        status_line: str,
        protocol: str,
    ) -> list[object]:
        """A 304 as a revisit of the body it validated, and the 304 itself as metadata.

        The revisit has no HTTP block: pywb answers a revisit whose block holds a 3xx status
        with an empty body, and replays one without a block as the record it refers to. The
        304's status line and headers, in order, go into a metadata record (warc-fields, which
        replay tools and CDX indexers pass over) concurrent to the revisit.
        """
        headers = {"WARC-Record-ID": response_id, **common, "WARC-Profile": PROFILE_NOT_MODIFIED}
        original = self._revalidated(url, row)
        if original is not None:
            headers.update(original.refers_to())
        else:
            # nothing revalidated is known: the digest of the record's own empty payload
            headers["WARC-Payload-Digest"] = payload_digest(b"")
        revisit = self.writer.create_warc_record(
            url, "revisit", payload=BytesIO(b""), length=0, warc_headers_dict=headers
        )
        fields = [("http-response", f"{protocol} {status_line}")]
        stored = json.loads(row["headers"])
        fields += [("http-header", f"{name}: {value}") for name, value in stored]
        block = "".join(f"{name}: {_field(value)}\r\n" for name, value in fields).encode("utf-8")
        metadata = self.writer.create_warc_record(
            url,
            "metadata",
            payload=BytesIO(block),
            length=len(block),
            warc_content_type="application/warc-fields",
            warc_headers_dict={**common, "WARC-Concurrent-To": response_id},
        )
        return [revisit, metadata]


def _field(value: str) -> str:
    """A header value on one warc-fields line (a folded value unfolded)."""
    return " ".join(value.splitlines())


def count_captures(
    archive: Archive, site: str | None, since: str | None, until: str | None = None
) -> int:
    sql, params = captures_sql(site, since, until)
    return archive.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def iter_captures(
    archive: Archive, site: str | None, since: str | None, until: str | None = None
) -> Iterator[sqlite3.Row]:
    """The selected captures in fetch-time order, a batch of rows in memory at a time: the
    order is taken from (time, id) alone, 8 bytes a capture, rather than sorting whole rows."""
    where, params = selection_sql(site, since, until)
    ids = array("q")
    order = f"SELECT id FROM captures{where} ORDER BY {FETCHED_AT}, id"
    for (capture_id,) in archive.conn.execute(order, params):
        ids.append(capture_id)
    for start in range(0, len(ids), ROWS_AT_A_TIME):
        batch = ids[start : start + ROWS_AT_A_TIME].tolist()
        marks = ",".join("?" * len(batch))
        rows = archive.conn.execute(f"SELECT * FROM captures WHERE id IN ({marks})", batch)
        by_id = {r["id"]: r for r in rows}
        yield from (by_id[i] for i in batch)


def known_sites(archive: Archive) -> list[str]:
    return [r[0] for r in archive.conn.execute("SELECT DISTINCT site FROM captures ORDER BY 1")]


def check_selection(
    archive: Archive, site: str | None, since: str | None, until: str | None
) -> tuple[str | None, str | None]:
    """The --since/--until bounds as compared, after checking them and the site.

    Raises NotFound for a site the archive never crawled and BadDate for a bound that is not
    a date."""
    bounds = (
        since_bound(since) if since is not None else None,
        since_bound(until, "--until") if until is not None else None,
    )
    if site is not None and site not in known_sites(archive):
        sites = ", ".join(known_sites(archive)) or "none yet"
        raise NotFound(f"no captures of site {site!r} in this archive (sites: {sites})")
    return bounds


def write_warc(
    archive: Archive,
    out: BinaryIO,
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    filename: str = "",
    progress: Progress | None = None,
) -> WarcSummary:
    """Write the captures (of `site`, fetched from `since` to `until`) to `out` as WARC 1.1.

    Streams: one body in memory at a time. Raises NotFound for a site the archive never
    crawled and BadDate for a bound that is not a date.
    """
    lower, upper = check_selection(archive, site, since, until)
    total = count_captures(archive, site, lower, upper)
    export = WarcExport(archive, out, filename)
    export.write_warcinfo(site, lower, upper)
    summary = WarcSummary()
    seen = 0
    for row in iter_captures(archive, site, lower, upper):
        seen += 1
        if row["http_status"] is None:
            summary.skipped += 1
        else:
            export.write_capture(row, summary)
        if progress is not None:
            progress(seen, total)
    return summary
