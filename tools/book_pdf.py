"""The whole book as one PDF, printed from the built website by headless chromium.

    python tools/book_pdf.py _build/html      (the book's build runs it: book/_ext/print_edition.py)

Every page of the table of contents is opened over http on 127.0.0.1 (the site's own
MathJax typesets the formulas first), printed with the site's print styles
(static/book.css: no navigation, no buttons; an explorer is its picture, a
kernel-free figure its first frame), and the pages are joined into
``<site>/book.pdf`` with one bookmark per chapter. Nothing is fetched from the network.
"""

import argparse
import io
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, serve  # noqa: E402

NAME = "book.pdf"
READY = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await Promise.all(Array.from(document.images,
                               i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
}"""


def chapters():
    """The toc's documents in reading order: ``book/intro``, ``book/foundations``, ..."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def build(site, log=print):
    """Print every chapter of the built site in ``site`` and write ``site/book.pdf``."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    site = pathlib.Path(site)
    missing = [doc for doc in chapters() if not (site / f"{doc}.html").exists()]
    if missing:
        raise SystemExit(f"{site} has no page for {', '.join(missing)}: build the website first")
    if not pathlib.Path(CHROMIUM).exists():
        raise SystemExit(f"the book's PDF is printed by chromium, and {CHROMIUM} is missing "
                         "(`make browser` installs it: apt-get install chromium)")
    base, httpd = serve(site)
    writer = PdfWriter()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            for doc in chapters():
                page.goto(f"{base}/{doc}.html", wait_until="load")
                page.evaluate(READY)
                title = page.locator("main h1").first.inner_text().strip().rstrip("#").strip()
                page.emulate_media(media="print")
                pdf = page.pdf(format="A4", print_background=True,
                               margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
                first = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(pdf)))
                writer.add_outline_item(title=title, page_number=first)
            browser.close()
    finally:
        httpd.shutdown()
    writer.add_metadata({"/Title": yaml.safe_load((ROOT / "_config.yml").read_text())["title"]})
    with open(site / NAME, "wb") as out:
        writer.write(out)
    log(f"book.pdf: {len(writer.pages)} pages, {(site / NAME).stat().st_size / 1e6:.1f} MB")
    return site / NAME


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=pathlib.Path, nargs="?", default=ROOT / "_build" / "html")
    build(parser.parse_args().site)


if __name__ == "__main__":
    main()
