"""Typed column declarations shared by every dataset uninews exports.

One declaration per column (name, kind, description) is the single source for the Parquet
schema, the CSV and JSON Lines encodings, the dataset card, the Frictionless Table Schema and
the Croissant record set, so the types a file has and the types its metadata states cannot
drift apart. pyarrow is imported only where a Parquet schema is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .times import stored_day, stored_instant

# kind -> (Table Schema type, Croissant dataType, words for JSON Lines, words for CSV)
KINDS: dict[str, tuple[str, str, str, str]] = {
    "string": ("string", "sc:Text", "string or null", "text"),
    "integer": ("integer", "sc:Integer", "integer", "integer"),
    "boolean": ("boolean", "sc:Boolean", "boolean", "true/false"),
    "timestamp": (
        "datetime",
        "sc:DateTime",
        "string, ISO 8601 UTC timestamp",
        "ISO 8601 UTC timestamp",
    ),
    "date": ("date", "sc:Date", "string, ISO 8601 date", "ISO 8601 date"),
    "strings": ("array", "sc:Text", "list of strings", "JSON array of strings"),
    "records": ("array", "sc:Text", "list of objects", "JSON array of objects"),
}


@dataclass(frozen=True)
class Column:
    """One exported column. `keys` names the string fields of each object of a records column
    (with their kind: string or integer)."""

    name: str
    kind: str
    description: str
    keys: tuple[tuple[str, str], ...] = ()

    @property
    def table_schema_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def croissant_type(self) -> str:
        return KINDS[self.kind][1]

    @property
    def is_list(self) -> bool:
        return self.kind in ("strings", "records")

    def type_in(self, fmt: str) -> str:
        """How the column is typed in a file format, in words for the dataset card."""
        if fmt == "parquet":
            return str(arrow_type(self))
        words = KINDS[self.kind][2 if fmt == "jsonl" else 3]
        if self.keys:
            words += " {" + ", ".join(key for key, _ in self.keys) + "}"
        return words


def arrow_type(column: Column) -> Any:
    """The pyarrow type of a column: dates as date32, timestamps as UTC microseconds."""
    import pyarrow as pa

    scalar = {
        "string": pa.string(),
        "integer": pa.int32(),
        "boolean": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
    }
    if column.kind == "strings":
        return pa.list_(pa.string())
    if column.kind == "records":
        return pa.list_(pa.struct([(key, scalar[kind]) for key, kind in column.keys]))
    return scalar[column.kind]


def arrow_schema(columns: tuple[Column, ...], description: str) -> Any:
    """The Parquet schema, each field carrying its description (field metadata `description`);
    the file's key-value metadata holds the dataset's description and every column's, which is
    where readers without Arrow field metadata (duckdb's parquet_kv_metadata) look."""
    import pyarrow as pa

    fields = [
        pa.field(c.name, arrow_type(c), metadata={"description": c.description}) for c in columns
    ]
    meta = {
        "description": description,
        "column_descriptions": json.dumps(
            {c.name: c.description for c in columns}, ensure_ascii=False
        ),
    }
    return pa.schema(fields, metadata=meta)


def to_timestamp(text: str | None) -> datetime | None:
    return stored_instant(text) if text else None


def to_date(text: str | None) -> date | None:
    """The calendar date of an ISO 8601 date or timestamp (times.stored_day), None if it has
    none."""
    if not text:
        return None
    try:
        return stored_day(text)
    except ValueError:
        return None


def to_records(items: list[Any], keys: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if not isinstance(item, dict):
            item = {keys[0][0]: item}
        record = {}
        for key, kind in keys:
            value = item.get(key)
            if value is not None:
                value = int(value) if kind == "integer" else str(value)
            record[key] = value
        out.append(record)
    return out


def arrow_values(column: Column, values: list[Any]) -> list[Any]:
    """A batch of one column's row values as pyarrow takes them for the column's type."""
    if column.kind == "timestamp":
        return [to_timestamp(v) for v in values]
    if column.kind == "date":
        return [to_date(v) for v in values]
    if column.kind == "records":
        return [to_records(v, column.keys) for v in values]
    if column.kind == "strings":
        return [[str(x) for x in v] for v in values]
    return values
