"""A Sphinx extension for this book: page scripts fit for a site that works offline.

- sphinx-thebe's scripts are dropped: live code on the page (thebe) loads its code
  from a CDN and needs a running Binder, so the book does not offer it (the launch
  buttons open Binder, Colab or a JupyterHub instead). Jupyter Book loads
  sphinx-thebe in any case, and adds its inline configuration twice, which
  browsers report as an error ("Identifier 'THEBE_JS_URL' has already been declared").
- No script is included twice on a page.
- The site's own styles (static/book.css), and accessibility fixes to what the theme
  and the bibliography write: the bibliography's entries use ARIA's deprecated
  ``doc-biblioentry`` role inside a list, which axe-core reports under WCAG 2 A;
  they become plain list items.
"""

import pathlib


def _filename(script):
    return script if isinstance(script, str) else getattr(script, "filename", None)


def _body(script):
    return getattr(script, "attributes", {}).get("body", "")


def prune_scripts(app, pagename, templatename, context, doctree):
    kept, seen = [], set()
    for script in context.get("script_files", []):
        name, body = _filename(script) or "", _body(script)
        if "sphinx-thebe" in name or "thebe" in name or "THEBE_JS_URL" in body:
            continue
        key = (name, body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def add_static(app, config):
    config.html_static_path.append(str(pathlib.Path(__file__).parent / "static"))


def fix_roles(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("config-inited", add_static)
    app.connect("html-page-context", prune_scripts, priority=900)
    app.connect("html-page-context", fix_roles)
    app.add_css_file("book.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
