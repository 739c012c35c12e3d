"""A small JSON Schema validator for the keywords the project's schemas use
(type, enum, required, properties, additionalProperties: false, items,
minimum, $ref to #/$defs/...), so the tests need no jsonschema package. When
jsonschema happens to be installed, :func:`errors` is checked against it too."""

from __future__ import annotations

import json
from pathlib import Path

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
SUPPORTED = {"$schema", "$id", "title", "description", "$defs", "$ref", "type", "enum", "required", "properties", "additionalProperties", "items", "minimum"}


def load(name: str) -> dict:
    return json.loads((Path(__file__).parent / name).read_text())


def errors(schema: dict, value, root: dict | None = None, where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (an empty list when it is valid)."""
    root = root or schema
    unknown = set(schema) - SUPPORTED
    assert not unknown, f"schema keyword(s) this validator does not know: {unknown}"
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return errors(target, value, root, where)
    found = []
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in types):
            return [f"{where}: {value!r:.60} is not of type {'/'.join(types)}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r:.60} is not one of {schema['enum']}")
    if "minimum" in schema and _TYPES["number"](value) and value < schema["minimum"]:
        found.append(f"{where}: {value} < {schema['minimum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{where}: {key!r} is missing")
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                found += errors(props[key], item, root, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: {key!r} is not allowed")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += errors(schema["items"], item, root, f"{where}[{i}]")
    return found


def validate(schema: dict, value) -> list[str]:
    """:func:`errors`, cross-checked with the jsonschema package when it is installed."""
    found = errors(schema, value)
    try:
        import jsonschema
    except ImportError:
        return found
    theirs = list(jsonschema.Draft202012Validator(schema).iter_errors(value))
    assert bool(theirs) == bool(found), f"this validator and jsonschema disagree: {found} vs {[e.message for e in theirs]}"
    return found
