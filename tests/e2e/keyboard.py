"""Keyboard-only helpers for driving Streamlit widgets the way a user without a mouse does."""

from __future__ import annotations

from playwright.sync_api import Page

MAX_TABS = 60

_ACTIVE_NAME = """() => {
  const e = document.activeElement;
  if (!e) return "";
  return e.getAttribute("aria-label") || (e.innerText || "").trim().slice(0, 80);
}"""


def focused_name(page: Page) -> str:
    """The accessible label (or visible text) of the element that has the keyboard focus."""
    return str(page.evaluate(_ACTIVE_NAME))


def tab_to(page: Page, name: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element labelled `name` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    seen: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        current = focused_name(page)
        if current == name:
            return
        seen.append(current)
    raise AssertionError(f"Tab never reached {name!r}; it visited {seen}")


def set_slider(page: Page, name: str, value: int, *, current: int = 0) -> None:
    """Tab to a slider and move it from `current` to `value` with the arrow keys."""
    tab_to(page, name)
    step = "ArrowRight" if value >= current else "ArrowLeft"
    for _ in range(abs(value - current)):
        page.keyboard.press(step)


class CountedKeys:
    """A keyboard that counts every key it presses, typed characters included."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def press(self, key: str, times: int = 1) -> None:
        """Press `key` `times` times."""
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        """Type `text`, one key per character."""
        self.page.keyboard.type(text)
        self.count += len(text)

    def tab_expecting(self, name: str) -> None:
        """Press Tab once; the focus must land exactly on `name` (no stop in between)."""
        self.press("Tab")
        landed = focused_name(self.page)
        assert landed == name, f"Tab landed on {landed!r}, not on {name!r}"
