"""Checks on drawn Plotly charts shared by the browser journeys: labels whole and readable."""

from __future__ import annotations

from playwright.sync_api import Page

# Every tick label and axis title of every drawn chart, with its chart's SVG box: a label that
# leaves the SVG is cut off (clipped on screen, broken words in a PDF); an axis title on its
# tick labels, or two tick labels of one axis on each other, cannot be read.
_LABEL_PROBLEMS = """(scope) => {
  const root = scope ? document.querySelector(scope) : document;
  const problems = [];
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1
    && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const charts = [...root.querySelectorAll('.js-plotly-plot')];
  charts.forEach((chart, index) => {
    const svg = chart.querySelector('svg.main-svg');
    const box = svg.getBoundingClientRect();
    const name = (chart.querySelector('.gtitle') || {}).textContent || `chart ${index + 1}`;
    const axes = new Map();
    for (const text of chart.querySelectorAll('svg.main-svg text')) {
      const own = text.getAttribute('class') || '';
      const parent = text.parentElement.getAttribute('class') || '';
      const tick = parent.match(/^([xy]\\d*)tick$/);
      const title = own.match(/^([xy]\\d*)title$/);
      if (!tick && !title) continue;
      const rect = text.getBoundingClientRect();
      if (!text.textContent || rect.width === 0) continue;
      const label = {text: text.textContent, rect, title: Boolean(title)};
      if (!inside(rect, box)) {
        problems.push(`${name}: "${label.text}" lies outside the chart`);
      }
      const axis = (tick || title)[1];
      if (!axes.has(axis)) axes.set(axis, []);
      axes.get(axis).push(label);
    }
    for (const labels of axes.values()) {
      labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
        if (overlap(a.rect, b.rect)) {
          problems.push(`${name}: "${a.text}" and "${b.text}" overlap`);
        }
      }));
    }
  });
  return {charts: charts.length, problems};
}"""


def label_problems(page: Page, scope: str | None = None) -> tuple[int, list[str]]:
    """(charts drawn, labels cut off or overlapping) on `page`, within the `scope` selector."""
    found = page.evaluate(_LABEL_PROBLEMS, scope)
    return int(found["charts"]), [str(problem) for problem in found["problems"]]
