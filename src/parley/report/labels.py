"""Labels that never overlap: each is tried at a few places in turn and kept at the first
where it touches no label already placed and stays inside its area, or left out.

Matplotlib measures a text's box with the renderer; the report's SVG keeps the text as
text in the same font (DejaVu Sans), so the boxes hold in the browser too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import Bbox, blended_transform_factory

__all__ = ["label_points", "label_spans"]

_PAD = 2.0  # pixels kept free around each label


def _free(box: Bbox, taken: Sequence[Bbox]) -> bool:
    grown = Bbox.from_extents(box.x0 - _PAD, box.y0 - _PAD, box.x1 + _PAD, box.y1 + _PAD)
    return not any(grown.overlaps(other) for other in taken)


def _inside(box: Bbox, area: Bbox) -> bool:
    return bool(area.x0 <= box.x0 <= box.x1 <= area.x1 and area.y0 <= box.y0 <= box.y1 <= area.y1)


def _renderer(axis: Axes) -> Any:
    figure = axis.get_figure()
    assert figure is not None
    figure.canvas.draw()
    return figure.canvas.get_renderer()  # type: ignore[attr-defined]


_OFFSETS = [(dx, dy) for dx in (0, -36, 36) for step in range(1, 7) for dy in (9 * step, -9 * step)]
Line = tuple[float, float, float, float]


def _crosses(line: Line, box: Bbox) -> bool:
    """Whether a straight line (x0, y0, x1, y1) passes through a box (grown by the pad)."""
    grown = Bbox.from_extents(box.x0 - _PAD, box.y0 - _PAD, box.x1 + _PAD, box.y1 + _PAD)
    x0, y0, x1, y1 = line
    return any(grown.contains(x0 + (x1 - x0) * t / 24, y0 + (y1 - y0) * t / 24) for t in range(25))


def _place(
    axis: Axes, renderer: Any, point: tuple[float, float, str], fontsize: float,
    taken: list[Bbox], lines: list[Line],
) -> bool:  # fmt: skip
    """Put one label at the first place where it fits, with a line to its point."""
    x, y, text = point
    area = axis.get_window_extent(renderer)
    px, py = axis.transData.transform((x, y))
    for dx, dy in _OFFSETS:
        for align in ("center", "left", "right"):
            note = axis.annotate(
                text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=align,
                va="bottom" if dy > 0 else "top", fontsize=fontsize, color="#222222",
                arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.5,
                            "shrinkA": 0, "shrinkB": 2},
            )  # fmt: skip
            note.update_positions(renderer)
            box = Text.get_window_extent(note, renderer)  # the text alone, not its line
            edge = box.y0 if dy > 0 else box.y1
            line = (min(max(px, box.x0), box.x1), edge, px, py + (2 if dy > 0 else -2))
            if (
                _inside(box, area)
                and _free(box, taken)
                and not any(_crosses(other, box) for other in lines)
                and not any(_crosses(line, other) for other in taken)
            ):
                taken.append(box)
                lines.append(line)
                return True
            note.remove()
    return False


def label_points(
    axis: Axes, points: Sequence[tuple[float, float, str]], fontsize: float = 7.5
) -> list[str]:
    """Label each point ``(x, y, text)`` in the axis's area, in the order given (most
    important first), with a thin line to it: just above or below it, or further off
    where that is taken. No label touches another, or another's line. Returns the texts
    that found no place."""
    renderer = _renderer(axis)
    taken: list[Bbox] = []
    lines: list[Line] = []
    return [p[2] for p in points if not _place(axis, renderer, p, fontsize, taken, lines)]


def label_spans(
    axis: Axes, spans: Sequence[tuple[float, float, str]], fontsize: float = 7.5
) -> None:
    """Name each span ``(start, end, text)`` of the x axis above the axis's area, centred
    on it, in the first of a few rows where it touches no other name."""
    renderer = _renderer(axis)
    where = blended_transform_factory(axis.transData, axis.transAxes)
    rows: list[list[Bbox]] = []
    for start, end, text in spans:
        for row in range(8):
            if row == len(rows):
                rows.append([])
            name = axis.annotate(
                text, ((start + end) / 2, 1.0), xycoords=where, xytext=(0, 3 + 11 * row),
                textcoords="offset points", ha="center", va="bottom", fontsize=fontsize,
                color="#444444", annotation_clip=False,
            )  # fmt: skip
            box = name.get_window_extent(renderer)
            if _free(box, rows[row]):
                rows[row].append(box)
                break
            name.remove()
