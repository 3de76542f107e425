"""Standard metadata written beside every export, built from the dataset card's facts.

- `<out>.datapackage.json`: a Frictionless Data Package (v1) with one tabular resource, its
  Table Schema (types, descriptions), bytes and sha256, so `frictionless validate` checks the
  data file against it.
- `<out>.croissant.json`: Croissant 1.1 JSON-LD (MLCommons), with its Responsible-AI fields
  (data collection, personal data, limitations, licence), so `mlcroissant` validates and loads
  it.

Both point at the data file by its name alone: keep the files together in one folder.
"""

from __future__ import annotations

import re
from typing import Any

from .columns import Column

MEDIA_TYPES = {
    "jsonl": "application/jsonlines",
    "csv": "text/csv",
    "parquet": "application/x-parquet",
}
CROISSANT_1_1 = "http://mlcommons.org/croissant/1.1"

# The @context Croissant 1.1 files use (mlcroissant's make_context for 1.1).
CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def resource_name(file_name: str) -> str:
    """A Data Package resource name (lower-case letters, digits, - . _) from a file name."""
    return re.sub(r"[^a-z0-9._-]+", "-", file_name.lower()).strip("-") or "data"


def _table_field(column: Column, fmt: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": column.name,
        "type": column.table_schema_type,
        "description": column.description,
    }
    if fmt == "parquet" and column.is_list:
        # Parquet types lists itself (list<string>, list<struct>); frictionless reads them as
        # arrays of another kind than Table Schema's JSON "array", so they are declared "any".
        out["type"] = "any"
    if column.kind == "date":
        out["format"] = "any"  # a plain date, or a timestamp where the page gives a time
    return out


def datapackage(card: dict[str, Any], columns: tuple[Column, ...]) -> dict[str, Any]:
    """The Data Package descriptor of one export."""
    file, about = card["file"], card["about"]
    resource: dict[str, Any] = {
        "name": resource_name(file["name"]),
        "path": file["name"],
        "profile": "tabular-data-resource",
        "format": file["format"],
        "mediatype": MEDIA_TYPES[file["format"]],
        "description": card["description"],
        "schema": {
            "fields": [_table_field(c, file["format"]) for c in columns],
            "primaryKey": ["id"],
        },
    }
    if file["format"] != "parquet":
        # frictionless counts and hashes text files as it reads them (not Parquet files: the
        # sha256 of those is in the card and the Croissant file).
        resource["encoding"] = "utf-8"
        resource["bytes"] = file["bytes"]
        resource["hash"] = "sha256:" + file["sha256"]
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": resource_name(file["name"].rsplit(".", 1)[0]),
        "title": card["title"],
        "description": card["description"],
        "version": card["uninews_version"],
        "created": card["created_at"],
        "keywords": about["tags"],
        "sources": [{"title": host, "path": f"https://{host}/"} for host in about["hosts"]],
        "contributors": [{"title": "uninews " + card["uninews_version"], "role": "wrangler"}],
        "resources": [resource],
    }
    if about["creator"]:
        package["contributors"].insert(0, {"title": about["creator"], "role": "author"})
    if about["license"]:
        licence = {"name": about["license"], "title": about["license"]}
        if about["license_url"]:
            licence["path"] = about["license_url"]
        package["licenses"] = [licence]
    return package


def _croissant_field(column: Column, record_set: str, file_id: str, fmt: str) -> dict[str, Any]:
    field: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{record_set}/{column.name}",
        "name": column.name,
        "description": column.description,
        "dataType": column.croissant_type,
        "source": {"fileObject": {"@id": file_id}, "extract": {"column": column.name}},
    }
    if column.is_list and fmt == "csv":
        field["description"] += " (JSON text in this CSV file.)"
        return field
    if column.is_list:
        field["isArray"] = True
        field["arrayShape"] = "-1"
    if column.kind == "records":
        field.pop("dataType")
        field["subField"] = [
            {
                "@type": "cr:Field",
                "@id": f"{record_set}/{column.name}/{key}",
                "name": key,
                "dataType": "sc:Integer" if kind == "integer" else "sc:Text",
                "source": {
                    "fileObject": {"@id": file_id},
                    "extract": {"column": column.name},
                    "transform": {"jsonPath": key},
                },
            }
            for key, kind in column.keys
        ]
    return field


def croissant(card: dict[str, Any], columns: tuple[Column, ...]) -> dict[str, Any]:
    """The Croissant 1.1 JSON-LD of one export, Responsible-AI fields included."""
    file, about, personal = card["file"], card["about"], card["personal_data"]
    file_id, record_set = resource_name(file["name"]), card["dataset"]
    hosts = about["hosts"]
    doc: dict[str, Any] = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_1_1,
        "name": about["pretty_name"],
        "description": card["description"],
        "url": f"https://{hosts[0]}/" if hosts else "https://example.invalid/",
        "version": card["uninews_version"],
        "datePublished": card["created_at"][:10],
        "citeAs": about["citation"] or about["suggested_citation"],
        "keywords": about["tags"],
        "inLanguage": about["languages"],
        "isAccessibleForFree": True,
        "isBasedOn": [f"https://{host}/" for host in hosts],
        "creator": {"@type": "sc:Organization", "name": about["creator"] or "unknown"},
        "publisher": [{"@type": "sc:Organization", "name": name} for name in about["publishers"]],
        "rai:dataCollection": about["data_collection"],
        "rai:dataCollectionType": ["Web Scraping"],
        "rai:dataCollectionTimeframe": [
            t
            for t in (card["crawl_period"]["first_fetched"], card["crawl_period"]["last_fetched"])
            if t
        ],
        "rai:dataPreprocessingProtocol": about["preprocessing"],
        "rai:personalSensitiveInformation": personal["summary"],
        "rai:dataLimitations": about["limitations"],
        "rai:dataUseCases": about["use_cases"],
        "distribution": [
            {
                "@type": "cr:FileObject",
                "@id": file_id,
                "name": file_id,
                "description": f"The data file ({file['format']}).",
                "contentUrl": file["name"],
                "contentSize": f"{file['bytes']} B",
                "encodingFormat": MEDIA_TYPES[file["format"]],
                "sha256": file["sha256"],
            }
        ],
        "recordSet": [
            {
                "@type": "cr:RecordSet",
                "@id": record_set,
                "name": record_set,
                "description": card["selection"]["rows_are"],
                "key": {"@id": f"{record_set}/id"},
                "field": [
                    _croissant_field(c, record_set, file_id, file["format"]) for c in columns
                ],
            }
        ],
    }
    if about["license"]:
        doc["license"] = about["license_url"] or about["license"]
    else:
        doc["usageInfo"] = about["license_note"]
    return doc
