"""Citations and the list of sources.

A citation names its source as the source's ``label`` ("Tagirova 2017") and the span of
characters it points at, and links to the source's entry in the list of sources
(``#source-ID``), which gives the full bibliographic data and the address. The report
never quotes a source: the span is where a reader finds the words.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from parley.record import dates
from parley.record.query import RecordTables
from parley.record.schema import Source

__all__ = ["anchor", "cite", "sources_list"]


def anchor(source: str) -> str:
    """The HTML id of a source's entry in the list of sources."""
    return f"source-{source}"


def _span(key: str) -> tuple[str, str, str]:
    """``source[start:end]`` as its three parts."""
    source, _, rest = key.partition("[")
    start, _, end = rest.rstrip("]").partition(":")
    return source, start, end


def cite(keys: Iterable[str], record: RecordTables) -> str:
    """Links for passages (``source[start:end]`` keys), each naming its source and span."""
    labels = {source.id: source.label for source in record.record.sources}
    links = []
    for key in keys:
        source, start, end = _span(key)
        label = escape(labels.get(source, source))
        links.append(
            f'<a class="cite" href="#{anchor(source)}">{label}, characters {start}-{end}</a>'
        )
    return "; ".join(links)


def _entry(source: Source, cited: int) -> str:
    address = (
        "Its own text gives its web address, at characters "
        f"{source.address_at[0]}-{source.address_at[1]}"
        if source.address_at
        else "The record gives no address for it"
    )
    return (
        f'<li id="{anchor(source.id)}">{escape(source.author)}. '
        f"<cite>{escape(source.title)}</cite>. {escape(source.publisher)}, "
        f"{escape(dates.describe(source.date))}. {address}. "
        f'<span class="meta">Cited in this report as &ldquo;{escape(source.label)}&rdquo;, '
        f"{cited} times; a {escape(source.kind.replace('-', ' '))} of "
        f"{source.length:,} characters (file <code>{escape(source.file)}</code>, sha256 "
        f"<code>{source.sha256[:12]}&hellip;</code>), cited by the span of characters that "
        "states each fact, counted from the start of the text.</span></li>"
    )


def sources_list(record: RecordTables, page: str) -> str:
    """The record's sources as an ordered list, each with how often ``page`` cites it."""
    items = [
        _entry(source, page.count(f'href="#{anchor(source.id)}"'))
        for source in record.record.sources
    ]
    return f'<ol class="sources">{"".join(items)}</ol>'
