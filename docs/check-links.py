#!/usr/bin/env python3
"""Checks the links of the built book: every href and src in every page of
docs/book/ must name a file inside the book, and every #anchor an id on the
page it points to. Exits 1 and lists each broken link otherwise.

Why our own check: mdbook-linkcheck, the usual one, was last released
(0.7.7) against mdbook 0.4 and does not run under the 0.5 we pin; its fork
mdbook-linkcheck2 runs under 0.5 but checks only that linked files exist, not
their #anchors, and brings reqwest and tokio for a web check that an
offline machine cannot use. Links to other hosts are not followed here for
the same reason; the book names repository files in backticks, not links.

    python3 docs/check-links.py [BOOK_DIR] [FILE.md ...]   (default: docs/book)

Markdown files named after the book (README.md, CONTRIBUTING.md, ...) have
their relative links checked too: each must name a file or folder that
exists in the repository.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

EXTERNAL = ("http", "https", "mailto", "javascript", "data")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []
        self.base = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "base" and attrs.get("href"):
            self.base = attrs["href"]
        for key in ("href", "src"):
            if attrs.get(key) and tag != "base":
                self.links.append((self.getpos()[0], attrs[key]))


def parse(path):
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def markdown_links(path):
    """Broken relative links of one Markdown file, outside code."""
    text = re.sub(r"```.*?```|`[^`\n]*`", "", path.read_text(encoding="utf-8"), flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        parts = urlsplit(target)
        if parts.scheme in EXTERNAL or not parts.path:
            continue
        if not (path.parent / unquote(parts.path)).exists():
            broken.append(f"{path}: {target} (no such file)")
    return broken


def main():
    book = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/book").resolve()
    pages = {p: parse(p) for p in sorted(book.rglob("*.html"))}
    if not pages:
        print(f"no HTML pages under {book}: build the book first (mdbook build docs)")
        return 1
    broken = []
    checked = 0
    for path, page in pages.items():
        # A page's links resolve against its own URL, or against <base href>
        # (mdBook gives 404.html one, the book's root) taken from the root.
        here = "/" + path.relative_to(book).as_posix()
        if page.base is not None:
            here = urljoin("/", page.base)
        for line, link in page.links:
            parts = urlsplit(link)
            if parts.scheme in EXTERNAL or link.startswith("//"):
                continue
            checked += 1
            where = f"{path.relative_to(book)}:{line}: {link}"
            url = urljoin(here, parts.path) if parts.path else "/" + path.relative_to(book).as_posix()
            target = (book / unquote(url).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if book not in target.parents or not target.is_file():
                broken.append(f"{where} (no file {target})")
                continue
            anchor = unquote(parts.fragment)
            if anchor and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if anchor not in ids:
                    broken.append(f"{where} (no id {anchor!r} in {target.relative_to(book)})")
    for md in sys.argv[2:]:
        broken += markdown_links(Path(md))
    for b in broken:
        print(b)
    print(f"{checked} links checked in {len(pages)} pages and the links of {len(sys.argv[2:])} Markdown files, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
