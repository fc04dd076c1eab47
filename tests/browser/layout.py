"""The layout checker of the crawl (tests/browser/test_layout.py): which pages there are, and
what reads badly on one of them at the current width.

`layout_problems(page)` runs LAYOUT_JS in the page and returns one sentence per problem:
- the page scrolls sideways;
- an element with `overflow: hidden` (or `clip`, or `text-overflow`) cuts its content;
- a box that scrolls sideways cannot be reached by keyboard (no tabindex, no label);
- a number in a numeric cell (`.num`) wraps onto a second line;
- two texts overlap;
- a chart is narrower than its labels: labels rotated, categories skipped, labels wider than
  their axis or drawn outside the canvas.
"""

import re

from django.urls import reverse

from tests.test_isolation import _fill_route, org_page_routes

LAYOUT_JS = r"""
() => {
  const problems = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    else if (el.classList.length) s += "." + [...el.classList].join(".");
    const text = (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? `${s} “${text}”` : s;
  };
  const shown = (el) => {
    // Not what a closed <details> holds (content-visibility: hidden), nor the visually-hidden pattern.
    if (el.checkVisibility && !el.checkVisibility({ contentVisibilityAuto: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.opacity !== "0";
  };
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    const wide = [...document.body.querySelectorAll("*")].filter(
      (el) => shown(el) && el.getBoundingClientRect().right > root.clientWidth + 1
    );
    const outermost = wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 3).map(name);
    problems.push(`the page scrolls sideways (${root.scrollWidth}px in ${root.clientWidth}px): ${outermost.join(", ")}`);
  }
  const cuts = (v) => v === "hidden" || v === "clip";
  const scrolls = (v) => v === "auto" || v === "scroll";
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el)) continue;
    const cs = getComputedStyle(el);
    const control = el.matches("input, select, textarea");  // their text scrolls inside them
    const wider = el.scrollWidth > el.clientWidth + 1, taller = el.scrollHeight > el.clientHeight + 1;
    if (!control && ((cuts(cs.overflowX) && wider) || (cuts(cs.overflowY) && taller) ||
        (cs.textOverflow === "ellipsis" && wider))) {
      problems.push(`${name(el)} cuts its content (${el.scrollWidth}×${el.scrollHeight} shown in ${el.clientWidth}×${el.clientHeight})`);
    }
    if (scrolls(cs.overflowX) && wider && el.tagName !== "TEXTAREA" && el.tagName !== "SELECT") {
      // A table that scrolls is a focusable, labelled region (arrow keys scroll it); a strip of
      // links, like the journey bar, scrolls by itself as the keyboard moves through its links.
      const labelled = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
      const region = el.tabIndex >= 0 && labelled && el.getAttribute("role") === "region";
      const links = !el.querySelector("table") && el.querySelector("a[href], button");
      if (!region && !links) problems.push(`${name(el)} scrolls sideways but is no focusable, labelled region`);
    }
    if (el.matches("td.num") && el.textContent.trim()) {
      const tops = new Set();
      const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = texts.nextNode(); node; node = texts.nextNode()) {
        if (!node.textContent.trim() || !shown(node.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) if (r.width > 1) tops.add(Math.round(r.top));
      }
      // A <br> is a line break on purpose ("86%" over "n = 5").
      if (tops.size > 1 + el.querySelectorAll("br").length) problems.push(`the number in ${name(el)} wraps onto ${tops.size} lines`);
    }
  }
  // Texts that overlap: every text node's line boxes, compared with those of other elements.
  const clips = new Map();
  const clipOf = (el) => {
    if (!el || el === document.body) return { left: -Infinity, right: Infinity, top: -Infinity, bottom: Infinity };
    if (clips.has(el)) return clips.get(el);
    const outer = clipOf(el.parentElement);
    const cs = getComputedStyle(el);
    let clip = outer;
    if (cs.overflowX !== "visible" || cs.overflowY !== "visible") {
      const r = el.getBoundingClientRect();
      clip = { left: Math.max(outer.left, r.left), right: Math.min(outer.right, r.right),
               top: Math.max(outer.top, r.top), bottom: Math.min(outer.bottom, r.bottom) };
    }
    clips.set(el, clip);
    return clip;
  };
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || !shown(parent)) continue;
    if (parent.closest("script, style, noscript, template, option, [aria-hidden=true]")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const clip = clipOf(parent);
    for (const line of range.getClientRects()) {
      // What a scrolling box hides is not on the page: only the visible part of a line counts.
      const r = { left: Math.max(line.left, clip.left), right: Math.min(line.right, clip.right),
                  top: Math.max(line.top, clip.top), bottom: Math.min(line.bottom, clip.bottom) };
      if (r.right - r.left > 1 && r.bottom - r.top > 1) boxes.push({ el: parent, r });
    }
  }
  boxes.sort((a, b) => a.r.top - b.r.top);
  const reported = new Set();
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].r.top < a.r.bottom - 2; j++) {
      const b = boxes[j];
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 2 && h > 2) {
        const key = name(a.el) + " / " + name(b.el);
        if (!reported.has(key)) { reported.add(key); problems.push(`texts overlap: ${key}`); }
      }
    }
  }
  // Charts (Chart.js): every label drawn whole, inside the canvas, none skipped or rotated.
  if (window.Chart && window.Chart.getChart) {
    for (const canvas of document.querySelectorAll("canvas")) {
      const chart = window.Chart.getChart(canvas);
      if (!chart || !shown(canvas)) continue;
      const what = `the chart ${name(canvas)} (${Math.round(chart.width)}px)`;
      const ctx = chart.ctx;
      for (const scale of Object.values(chart.scales)) {
        const labels = scale.getLabels ? scale.getLabels() : [];
        if (scale.type === "category" && labels.length) {
          // Columns over time may show every other label (the order tells the rest); a list of
          // categories may not.
          if (!scale.isHorizontal() && scale.ticks.length < labels.length) problems.push(`${what} skips ${labels.length - scale.ticks.length} of its labels`);
          if (scale.isHorizontal() && scale.labelRotation > 0) problems.push(`${what} rotates its labels ${Math.round(scale.labelRotation)}°`);
          if (!scale.isHorizontal()) {
            ctx.save();
            ctx.font = window.Chart.helpers.toFont(scale.options.ticks.font).string;
            const widest = Math.max(...labels.flatMap((l) => [].concat(l)).map((l) => ctx.measureText(String(l)).width));
            ctx.restore();
            if (widest > scale.width + 1) problems.push(`${what} cuts its labels (${Math.round(widest)}px in ${Math.round(scale.width)}px)`);
          }
        }
        for (const item of scale._pointLabelItems || []) {
          if (item.left < -1 || item.top < -1 || item.right > chart.width + 1 || item.bottom > chart.height + 1) {
            problems.push(`${what} draws a label outside its canvas`);
            break;
          }
        }
      }
    }
  }
  return problems;
}
"""


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_JS)


# Pages that are no page: downloads, fragments, and actions that only take a POST.
NOT_A_PAGE = re.compile(
    r"(export|errors|\.pdf|\.ics|\.csv|rapport|report|fragment|/delete|/revoke|/cancel|/close|/reopen)"
)


def org_page_paths(org) -> list[str]:
    """Every page of the organisation whose URL pattern takes only ids the demo data has."""
    paths = []
    for route in org_page_routes():
        path = _fill_route(route, org.slug, org)
        if not NOT_A_PAGE.search(path):
            paths.append(path)
    return paths


def public_paths() -> list[str]:
    return [
        reverse("landing"),
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
        reverse("scan_public:scan"),
    ]
