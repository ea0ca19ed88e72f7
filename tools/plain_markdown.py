"""The book's MyST markup as plain notebook Markdown, for the in-browser edition.

The website renders MyST (exercises, hidden solutions, notes, citations, the
modules' source pulled in by ``literalinclude``); JupyterLab shows it as raw
text. For the notebooks the website serves to run in the browser, each construct
becomes what a notebook can show:

- ``:::{exercise}`` with ``:label: x``  ->  **Exercise** *(x).* and its text;
- ``:::{solution} x`` (hidden on the website)  ->  a ``<details>`` block, closed;
- a solution spread over cells (``solution-start`` ... ``solution-end``)  ->
  "Solution (the cells below, up to *End of solution*)" and "*End of solution.*";
- ``:::{note}`` and ``{margin}`` (with its title)  ->  a quoted paragraph;
- ``literalinclude`` of a function  ->  that function's source, read from the
  module when the site is built, under its caption;
- ``{cite:p}`key``` / ``{cite:t}`key```  ->  (Author, year) / Author (year), from
  book/references.bib.
"""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent

FENCE = re.compile(r"(?ms)^(:::+|```+)\{(\w[\w-]*)\}[ \t]*(.*?)\n(.*?)^\1[ \t]*$")
INCLUDE = re.compile(r"(?ms)^```\{literalinclude\}\s*(\S+)\n(.*?)^```[ \t]*$")
SOLUTION_START = re.compile(r"(?ms)^```\{solution-start\}[^\n]*\n(?::\w+:[^\n]*\n)*```[ \t]*$")
SOLUTION_END = re.compile(r"(?ms)^```\{solution-end\}[ \t]*\n```[ \t]*$")
CITE = re.compile(r"\{cite:([pt])\}`([^`]+)`")
OPTION = re.compile(r"(?m)^:(\w+):[ \t]*(.*)$")


def references(path=ROOT / "book" / "references.bib"):
    """``{key: ("Kingma and Ba", "2015")}`` from the book's bibliography."""
    from pybtex.database import parse_file

    names = {}
    for key, entry in parse_file(str(path)).entries.items():
        last = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in entry.persons["author"]]
        who = last[0] if len(last) == 1 else " and ".join(last) if len(last) == 2 else f"{last[0]} et al."
        names[key] = (who, entry.fields["year"])
    return names


def options(body):
    """The directive's ``:name: value`` lines, and the text after them."""
    found = dict(OPTION.findall(body))
    text = OPTION.sub("", body).strip("\n")
    return found, text


def quoted(text):
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def function_source(path, name):
    source = path.read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(source, node)


def directive(match):
    kind, argument, body = match.group(2), match.group(3).strip(), match.group(4)
    found, text = options(body)
    if kind == "exercise":
        return f"**Exercise** *({found.get('label', argument)}).* {text}"
    if kind == "solution":
        return f"<details><summary>Solution</summary>\n\n{text}\n\n</details>"
    if kind == "note":
        return quoted(f"**Note.** {text}")
    if kind == "margin":
        return quoted(f"**{argument}.** {text}" if argument else text)
    raise ValueError(f"no plain form for the {kind!r} directive")


def include(match, book):
    found, _ = options(match.group(2))
    path = (book / match.group(1)).resolve()
    code = function_source(path, found["pyobject"]) if "pyobject" in found else path.read_text()
    caption = f"*{found['caption']}*\n\n" if "caption" in found else ""
    return f"{caption}```{found.get('language', 'python')}\n{code}\n```"


def plain(source, names, book=ROOT / "book"):
    """One Markdown cell's text, without MyST."""
    source = INCLUDE.sub(lambda m: include(m, book), source)
    source = SOLUTION_START.sub("**Solution** (the cells below, up to *End of solution*):", source)
    source = SOLUTION_END.sub("*End of solution.*", source)
    source = FENCE.sub(directive, source)

    def cite(m):
        keys = [names[k.strip()] for k in m.group(2).split(",")]
        if m.group(1) == "t":
            return "; ".join(f"{who} ({year})" for who, year in keys)
        return "(" + "; ".join(f"{who}, {year}" for who, year in keys) + ")"

    return CITE.sub(cite, source)


def plain_notebook(notebook, names):
    """A copy of ``notebook`` (nbformat) whose Markdown cells are plain."""
    import copy

    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = plain(cell.source, names)
    return notebook
