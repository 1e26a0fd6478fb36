"""What the browser tests share: where Debian's Chromium is, and how to find text that
overlaps other text on a page (the browser and artifacts fixtures are in conftest)."""

from __future__ import annotations

from typing import Any

__all__ = ["CHROMIUM", "TEXT_BOXES", "overlaps"]

CHROMIUM = "/usr/bin/chromium"

# The boxes of the page's text: every text node's line boxes outside SVG, and every SVG
# <text>'s box with the index of its SVG (-1 outside). Text that is not shown (in a closed
# <details>, say) is left out.
TEXT_BOXES = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('svg, style, script, option') ||
        !node.parentElement.checkVisibility({visibilityProperty: true}))
      continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.height > 0)
        boxes.push({text: node.textContent.trim().slice(0, 40), svg: -1,
                    x0: r.left + scrollX, y0: r.top + scrollY,
                    x1: r.right + scrollX, y1: r.bottom + scrollY});
    }
  }
  document.querySelectorAll('svg').forEach((svg, n) => {
    svg.querySelectorAll('text').forEach(t => {
      const r = t.getBoundingClientRect();
      if (t.textContent.trim() && r.width > 0 && t.checkVisibility({visibilityProperty: true}))
        boxes.push({text: t.textContent.trim().slice(0, 40), svg: n,
                    x0: r.left + scrollX, y0: r.top + scrollY,
                    x1: r.right + scrollX, y1: r.bottom + scrollY});
    });
  });
  return boxes;
}"""


def overlaps(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than a pixel each way, within the page's
    text or within one SVG."""
    found = []
    ordered = sorted(boxes, key=lambda b: b["y0"])
    for n, a in enumerate(ordered):
        for b in ordered[n + 1 :]:
            if b["y0"] >= a["y1"] - 1:
                break
            if a["svg"] == b["svg"] and (
                min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 1
                and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > 1
            ):
                found.append((a["text"], b["text"]))
    return found
