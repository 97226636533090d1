"""The phone sweep's tools: which pages a person can reach from where, and what on a page is wider
than a 390-px screen.

The sweep follows the links a person can click (so a new page is found without a list to keep):
from a few starting pages it opens every same-site link inside the areas it checks, once per
kind of page (a path with its numbers and codes taken out), and measures each page it opens."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

# What is wider than the screen: the page's own scroll width, and each element whose right edge
# passes the screen's, unless a box that scrolls or clips sideways holds it (a table in its own
# scrolling box is meant to be wider). Only the outermost offender of a branch is named.
MEASURE = """() => {
  const screen = document.documentElement.clientWidth;
  const held = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
    }
    return false;
  };
  const name = (el) => {
    let label = el.tagName.toLowerCase();
    if (el.id) label += '#' + el.id;
    for (const cls of el.classList) label += '.' + cls;
    const testid = el.getAttribute('data-testid');
    if (testid) label += '[data-testid=' + testid + ']';
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
    return label + (text ? ' «' + text + '»' : '');
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= screen + 1) continue;
    if (wide.some((outer) => outer.contains(el)) || held(el)) continue;
    wide.push(el);
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    wide: wide.slice(0, 6).map((el) => name(el) + ' → ' + Math.round(el.getBoundingClientRect().right) + 'px'),
  };
}"""

# Files, not pages: downloads, exports, the API and the admin are not swept.
NOT_PAGES = re.compile(
    r"(\.(xlsx|csv|pdf|json|png|jpg|zip)$)|^/(api|admin|open311|static|media|i18n)/"
    r"|^/accounts/logout/|/(deliverable|evidence|attachments?|photos?|files?)/(\d+/)?$"
)


def kind_of(path: str) -> str:
    """A path without its query, each segment that names one thing (an id, a code, a number: a
    digit, a capital, a Chinese character or a grid placeholder) taken out: a filtered list is
    the same kind of page as the list, every item's page one kind."""
    path = urlsplit(path).path
    return "/".join("…" if NAMES_ONE.search(part) else part for part in path.split("/"))


NAMES_ONE = re.compile(r"[0-9A-Z{]|[^\x00-\x7f]")


@dataclass
class Sweep:
    """One person's sweep: what was opened, and what did not fit."""

    base: str
    width: int
    visited: dict[str, str] = field(default_factory=dict)  # kind of page → the path opened
    failures: list[str] = field(default_factory=list)

    def measure(self, page: Page, path: str) -> None:
        found = page.evaluate(MEASURE)
        if found["scrollWidth"] > self.width or found["wide"]:
            wide = "; ".join(found["wide"]) or "(no single element)"
            self.failures.append(f"{path}: {found['scrollWidth']}px wide — {wide}")

    def run(
        self,
        page: Page,
        starts: Iterable[str],
        inside: Callable[[str], bool],
        *,
        per_kind: int = 1,
    ) -> None:
        """Open the starting pages, then every link inside the areas (breadth first), at most
        `per_kind` pages of each kind."""
        queue = list(starts)
        seen: set[str] = set(queue)
        opened: dict[str, int] = {}
        while queue:
            path = queue.pop(0)
            kind = kind_of(path)
            if opened.get(kind, 0) >= per_kind:
                continue
            try:
                response = page.goto(f"{self.base}{path}")
            except PlaywrightError as error:
                self.failures.append(f"{path}: could not be opened ({error.message[:80]})")
                continue
            status = response.status if response is not None else 0
            if status >= 500:
                self.failures.append(f"{path}: answered {status}")
                continue
            landed = urlsplit(page.url).path
            if status != 200 or landed != urlsplit(path).path:
                continue  # not this person's page (404, or sent to sign in): nothing to measure
            opened[kind] = opened.get(kind, 0) + 1
            self.visited.setdefault(kind, path)
            self.measure(page, path)
            for link in links_on(page, self.base):
                if link not in seen and inside(link) and not NOT_PAGES.search(urlsplit(link).path):
                    seen.add(link)
                    queue.append(link)


def links_on(page: Page, base: str) -> list[str]:
    """The same-site links of a page, as paths (with their query, without the fragment)."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths
