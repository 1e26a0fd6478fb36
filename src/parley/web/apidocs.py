"""The API's documentation page (``/docs``), rendered on the server from the OpenAPI schema.

Plain HTML with the pages' own style sheet and no script: each operation with its
parameters, request body and answers, with their types and limits as the schema declares
them. Nothing is loaded from elsewhere.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

__all__ = ["render"]

_METHODS = ("get", "post", "put", "patch", "delete")
_LIMITS = (
    ("minimum", "at least {}"),
    ("maximum", "at most {}"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("pattern", "matching <code>{}</code>"),
)


_LONG = 100
"""A pattern longer than this is named, not shown: the meaning says what it allows."""


def render(schema: dict[str, Any]) -> str:
    """The page for an OpenAPI schema."""
    info = schema.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<link rel="icon" href="/static/favicon.svg"><title>{title}: the API</title>',
        '<link rel="stylesheet" href="/static/style.css"></head><body>',
        '<nav><a href="/">The record</a><a href="/timeline">Timeline</a>'
        '<a href="/scenario">Run a scenario</a><a href="/counterfactual">What if?</a>'
        '<a class="here" href="/docs">The API</a></nav>',
        f"<h1>{title}: the API</h1>",
        _text(info.get("description", "")),
        '<p>The machine-readable description: <a href="/openapi.json">/openapi.json</a>.</p>',
    ]
    components = schema.get("components", {}).get("schemas", {})
    for path, operations in schema.get("paths", {}).items():
        for method in _METHODS:
            if method in operations:
                parts.append(_operation(method, path, operations[method], components))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _text(description: str) -> str:
    """Paragraphs; lines that start with ``- `` as a list; double backquotes as code."""
    blocks = []
    for block in description.strip().split("\n\n"):
        lead: list[str] = []
        items: list[str] = []
        for line in block.splitlines():
            if line.startswith("- "):
                items.append(line[2:])
            elif items:
                items[-1] += " " + line.strip()
            else:
                lead.append(line)
        if lead:
            blocks.append(f"<p>{_inline(' '.join(lead))}</p>")
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
    return "\n".join(blocks)


def _inline(text: str) -> str:
    return re.sub(r"``(.+?)``", r"<code>\1</code>", escape(text))


def _operation(
    method: str, path: str, operation: dict[str, Any], components: dict[str, Any]
) -> str:
    parts = [
        f'<h2 id="{method}-{escape(path)}"><code>{method.upper()} {escape(path)}</code></h2>',
        _text(operation.get("description") or operation.get("summary", "")),
    ]
    parameters = operation.get("parameters", [])
    if parameters:
        rows = [
            (p["name"], p.get("in", ""), p.get("required", False), p.get("schema", {}),
             p.get("description", ""))
            for p in parameters
        ]  # fmt: skip
        parts.append("<h3>Parameters</h3>" + _table(rows, components))
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        shape = _resolve(body.get("schema", {}), components)
        required = set(shape.get("required", []))
        rows = [
            (name, "body", name in required, field, field.get("description", ""))
            for name, field in shape.get("properties", {}).items()
        ]
        closed = " No other field is allowed." if shape.get("additionalProperties") is False else ""
        parts.append(
            f"<h3>Request body (JSON)</h3><p>An object.{closed}</p>" + _table(rows, components)
        )
    answers = [
        f'<tr><td data-label="status">{escape(str(status))}</td>'
        f'<td data-label="meaning">{escape(answer.get("description", ""))}</td>'
        f'<td data-label="JSON">{_answer_type(answer, components)}</td></tr>'
        for status, answer in operation.get("responses", {}).items()
    ]
    parts.append(
        "<h3>Answers</h3><table><thead><tr><th>status</th><th>meaning</th><th>JSON</th></tr>"
        f"</thead><tbody>{''.join(answers)}</tbody></table>"
    )
    return "\n".join(parts)


def _table(
    rows: list[tuple[str, str, bool, dict[str, Any], str]], components: dict[str, Any]
) -> str:
    body = "".join(
        f'<tr><td data-label="name"><code>{escape(name)}</code></td>'
        f'<td data-label="in">{escape(where)}</td>'
        f'<td data-label="required">{"yes" if required else "no"}</td>'
        f'<td data-label="type">{_type(schema, components)}</td>'
        f'<td data-label="limits">{_limits(schema, components)}</td>'
        f'<td data-label="meaning">{escape(description)}</td></tr>'
        for name, where, required, schema, description in rows
    )
    head = "".join(f"<th>{h}</th>" for h in ("name", "in", "required", "type", "limits", "meaning"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The schema a ``$ref`` names, or the schema itself; a nullable ``anyOf`` gives its
    other branch, with the outer keys (an ``enum``, a default) kept."""
    if "$ref" in schema:
        return _resolve(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components)
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        outer = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**_resolve(branches[0], components), **outer}
    return schema


def _type(schema: dict[str, Any], components: dict[str, Any]) -> str:
    shape = _resolve(schema, components)
    if "enum" in shape:
        return "one of " + ", ".join(f"<code>{escape(str(v))}</code>" for v in shape["enum"])
    kind = shape.get("type", "any")
    if kind == "array":
        return f"array of {_type(shape.get('items', {}), components)}"
    if "$ref" in schema:
        return escape(schema["$ref"].rsplit("/", 1)[-1])
    return escape(str(kind))


def _limits(schema: dict[str, Any], components: dict[str, Any]) -> str:
    shape = _resolve(schema, components)
    found = [
        text.format(escape(_number(shape[key])))
        if key != "pattern" or len(shape[key]) <= _LONG
        else f"matching a pattern of {len(shape[key]):,} characters (in /openapi.json)"
        for key, text in _LIMITS
        if key in shape
    ]
    if shape.get("type") == "array" and "items" in shape:
        items = _limits(shape["items"], components)
        if items:
            found.append(f"each {items}")
    if "default" in shape:
        found.append(f"default <code>{escape(str(shape['default']))}</code>")
    return "; ".join(found)


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _answer_type(answer: dict[str, Any], components: dict[str, Any]) -> str:
    content = answer.get("content", {}).get("application/json")
    if content is None:
        return ""
    schema = content.get("schema", {})
    if "$ref" in schema:
        shape = _resolve(schema, components)
        fields = ", ".join(f"<code>{escape(f)}</code>" for f in shape.get("properties", {}))
        return f"{escape(schema['$ref'].rsplit('/', 1)[-1])} ({fields})"
    return _type(schema, components)
