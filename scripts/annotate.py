"""Annotated source: numpy_seq2seq's modules with the prose beside the code (docco style).

    python -m scripts.annotate --out docs/annotated

Each module becomes one HTML page of two columns: on the left the docstrings
and full-line comments, rendered as prose; on the right the code they
describe.  Every "eq. (9)" / "eqs. (8)-(12)" in the prose *and* in the code's
trailing comments links to that equation in ``docs/bptt.md``, so a reader can
go from a line of code to its derivation and back.

Why not pycco (the Python port of docco)?  We tried it: pycco 0.6.0 installs
and runs on Python 3.11, but it is not well kept -- its last release is from
July 2018, and its template engine, pystache, survives only as a community
fork.  And on this code base it does not fit: it renders numpydoc sections
("Parameters" / "----------") as a heading followed by one run-on line, shows a
documented function's docstring beside the code *before* the ``def``, and
cannot link equation numbers.  This generator is ~200 lines on the standard
library plus Pygments (already installed with pytest) and does exactly what
the docs need.

Output is deterministic (no dates, sorted input), and each page records the
SHA-256 of the source it was made from, so ``tests/test_docs.py`` can tell
when a page is older than its module.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import html
import inspect
import re
import textwrap
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "numpy_seq2seq"
BPTT = "../bptt.md"  # relative to docs/annotated/

#: The order a learner should read the modules in; any others follow alphabetically.
READING_ORDER = (
    "__init__",
    "core",
    "core.simple_rnn",
    "core.gru",
    "core.lstm",
    "core.seq2seq",
    "core.adam",
    "core.initializers",
    "data",
    "model",
    "layers",
    "gradcheck",
    "validation",
    "io",
    "plotting",
    "cli",
    "__main__",
)

#: "eq. (9)", "eqs. (8)-(12)", "eqs. (5), (6)", "Equation numbers (1)-(12)", "eqs. (14)-(16)".
EQ_REF = re.compile(
    r"(?:\b[Ee]qs?\.|\b[Ee]quations?(?: numbers?)?)\s*\(\d+\)(?:\s*(?:-|–|,|and)\s*\(\d+\))*"
)
EQ_NUM = re.compile(r"\((\d+)\)")
SOURCE_HASH = re.compile(r"<!-- source sha256: ([0-9a-f]{64}) -->")


# -- splitting a module into (prose, code) sections -------------------------
def _docstring_spans(tree: ast.Module) -> tuple[dict[int, int], dict[int, int]]:
    """Line spans of docstrings, and of the headers of documented defs/classes.

    Returns ``(docstrings, headers)``: each maps a first line to a last line
    (1-based, inclusive).  A header runs from the first decorator to the line
    before the docstring, so a multi-line signature stays in one piece.
    """
    docstrings, headers = {}, {}
    nodes = [tree] + [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]
    for node in nodes:
        body = node.body
        if not (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            continue
        doc = body[0]
        docstrings[doc.lineno] = doc.end_lineno
        if not isinstance(node, ast.Module):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            headers[first] = doc.lineno - 1
    return docstrings, headers


def _comment_text(line: str) -> str | None:
    """The text of a full-line comment ("# -- the math --" -> "the math"), else None."""
    stripped = line.strip()
    if not stripped.startswith("#"):
        return None
    text = stripped.lstrip("#").lstrip(":").strip()
    return text.strip("-").strip()


def sections(source: str) -> list[tuple[str, str]]:
    """Split Python source into docco sections: a list of ``(prose, code)``.

    Prose is a docstring or a run of full-line comments; code is what
    follows until the next prose.  A documented function or class starts a
    section at its ``def``/``class`` line, so its docstring sits beside it.
    """
    lines = source.splitlines()
    docstrings, headers = _docstring_spans(ast.parse(source))
    out: list[list[list[str]]] = [[[], []]]  # [prose lines, code lines]
    i = 0
    while i < len(lines):
        lineno = i + 1
        prose, code = out[-1]
        if lineno in headers:
            out.append([[], lines[i : headers[lineno]]])
            i = headers[lineno]
        elif lineno in docstrings:
            raw = "\n".join(lines[i : docstrings[lineno]])
            text = ast.literal_eval(raw.strip())
            if any(c.strip() for c in code) and lineno - 1 not in headers.values():
                out.append([[], []])
            out[-1][0].extend(inspect.cleandoc(text).splitlines() + [""])
            i = docstrings[lineno]
        elif (comment := _comment_text(lines[i])) is not None:
            if any(c.strip() for c in code):
                out.append([[], []])
            out[-1][0].append(comment)
            i += 1
        else:
            code.append(lines[i])
            i += 1
    result: list[tuple[str, str]] = []
    pending = ""  # prose with no code of its own (a "# -- part --" line) joins the next section
    for prose, code in out:
        text = "\n\n".join(t for t in (pending, "\n".join(prose).strip()) if t)
        body = "\n".join(code).strip("\n")
        if body.strip():
            result.append((text, body))
            pending = ""
        else:
            pending = text
    if pending:
        result.append((pending, ""))
    return result


# -- rendering prose (the small subset of reST our docstrings use) -----------
def _link_equations(escaped: str) -> str:
    """Turn each equation reference in HTML-escaped text into links to docs/bptt.md."""

    def link(match: re.Match) -> str:
        return EQ_NUM.sub(lambda m: f'(<a class="eq" href="{BPTT}#eq-{m[1]}">{m[1]}</a>)', match[0])

    return EQ_REF.sub(link, escaped)


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"``(.+?)``|`(.+?)`", lambda m: f"<code>{m[1] or m[2]}</code>", out)
    out = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"<em>\1</em>", out)
    return _link_equations(out)


def render_prose(text: str) -> str:
    """Paragraphs, bullet lists, numpydoc sections, doctest and indented blocks -> HTML."""
    parts = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if len(lines) >= 2 and set(lines[1].strip()) == {"-"}:  # numpydoc section
            parts.append(f"<h4>{html.escape(lines[0].strip())}</h4>")
            lines = lines[2:]
            if lines:
                parts.append(_definitions(lines))
        elif lines[0].lstrip().startswith(">>>") or lines[0].startswith("    "):
            parts.append(f"<pre>{html.escape(textwrap.dedent(block))}</pre>")
        elif re.match(r"\s*(?:[*-]|\d+\.)\s", lines[0]):
            parts.append(_list(lines))
        else:
            parts.append(f"<p>{_inline(' '.join(s.strip() for s in lines))}</p>")
    return "\n".join(parts)


def _definitions(lines: list[str]) -> str:
    items = []
    for line in lines:
        if line.startswith((" ", "\t")) and items:
            items[-1][1].append(line.strip())
        else:
            items.append((line.strip(), []))
    body = "".join(
        f"<dt>{_inline(term)}</dt><dd>{_inline(' '.join(desc))}</dd>" for term, desc in items
    )
    return f"<dl>{body}</dl>"


def _list(lines: list[str]) -> str:
    ordered = bool(re.match(r"\s*\d+\.", lines[0]))
    items: list[list[str]] = []
    for line in lines:
        m = re.match(r"\s*(?:[*-]|\d+\.)\s+(.*)", line)
        if m:
            items.append([m[1]])
        else:
            items[-1].append(line.strip())
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{_inline(' '.join(i))}</li>" for i in items) + f"</{tag}>"


# -- rendering code -----------------------------------------------------------
_FORMATTER = HtmlFormatter(nowrap=True)
_COMMENT_SPAN = re.compile(r'(<span class="c1">)(.*?)(</span>)')


def render_code(code: str) -> str:
    """Highlighted code; equation references in trailing comments become links."""
    if not code.strip():
        return ""
    highlighted = highlight(code, PythonLexer(), _FORMATTER)
    return _COMMENT_SPAN.sub(lambda m: m[1] + _link_equations(m[2]) + m[3], highlighted)


# -- pages ----------------------------------------------------------------------
CSS = """
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #252519; }
nav { padding: 8px 16px; background: #f5f5ff; border-bottom: 1px solid #e5e5ee; font-size: 13px; }
nav a { margin-right: 12px; }
table { border-collapse: collapse; width: 100%; }
td { vertical-align: top; padding: 6px 16px; }
td.docs { width: 38%; max-width: 38%; background: #fff; border-right: 1px solid #e5e5ee; }
td.code { background: #f5f5ff; }
td.code pre { margin: 0; font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; }
td.docs pre { background: #f8f8f8; padding: 6px; font-size: 12.5px; overflow-x: auto; }
code { font: 12.5px ui-monospace, Menlo, Consolas, monospace; background: #f8f8ff; }
h1 { font-size: 22px; } h4 { margin: 10px 0 2px; }
dt { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
dd { margin: 0 0 6px 16px; }
a.eq { font-weight: bold; color: #b00; text-decoration: none; }
tr.section:hover td.docs { background: #fafaf0; }
"""


def stylesheet() -> str:
    """The pages' shared style: the layout above plus Pygments' colours for the code."""
    return CSS + HtmlFormatter(style="default").get_style_defs("td.code") + "\n"


def _page(title: str, nav: str, body: str, source_hash: str = "") -> str:
    stamp = f"<!-- source sha256: {source_hash} -->\n" if source_hash else ""
    return (
        "<!DOCTYPE html>\n"
        f"{stamp}"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<title>{html.escape(title)}</title><link rel="stylesheet" href="style.css"></head>\n'
        f"<body><nav>{nav}</nav>\n{body}\n</body></html>\n"
    )


def module_page(path: Path, nav: str) -> str:
    """One module as a two-column page."""
    source = path.read_text(encoding="utf-8")
    rows = [
        f'<tr><td class="docs"><h1>numpy_seq2seq/{_rel(path)}</h1></td><td class="code"></td></tr>'
    ]
    for k, (prose, code) in enumerate(sections(source)):
        rows.append(
            f'<tr class="section" id="section-{k}"><td class="docs">{render_prose(prose)}</td>'
            f'<td class="code"><pre>{render_code(code)}</pre></td></tr>'
        )
    body = "<table>\n" + "\n".join(rows) + "\n</table>"
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return _page(f"numpy_seq2seq/{_rel(path)}", nav, body, digest)


def page_name(path: Path, package: Path = PACKAGE) -> str:
    """``core/simple_rnn.py`` -> ``core.simple_rnn``; ``core/__init__.py`` -> ``core``."""
    parts = path.relative_to(package).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def _rel(path: Path, package: Path = PACKAGE) -> str:
    return path.relative_to(package).as_posix()


def modules(package: Path = PACKAGE) -> list[Path]:
    """The package's modules in reading order."""
    found = {page_name(p, package): p for p in package.rglob("*.py")}
    ordered = [found.pop(name) for name in READING_ORDER if name in found]
    return ordered + [found[name] for name in sorted(found)]


def _first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def annotate(out_dir: Path, package: Path = PACKAGE) -> list[Path]:
    """Write one page per module, ``index.html`` and ``style.css`` into ``out_dir``;
    return the pages' paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "style.css").write_text(stylesheet(), encoding="utf-8")
    paths = modules(package)
    nav = '<a href="index.html">index</a>' + "".join(
        f'<a href="{page_name(p)}.html">{_rel(p)}</a>' for p in paths
    )
    written = []
    for path in paths:
        page = out_dir / f"{page_name(path)}.html"
        page.write_text(module_page(path, nav), encoding="utf-8")
        written.append(page)
    items = "".join(
        f'<li><a href="{page_name(p)}.html">{_rel(p)}</a> &mdash; {_inline(_first_line(p))}</li>'
        for p in paths
    )
    intro = (
        "<h1>numpy_seq2seq, annotated</h1><p>Prose on the left, code on the right. "
        f'Red equation numbers link to the derivation in <a href="{BPTT}">docs/bptt.md</a>. '
        "Suggested reading order: data, layers, model, losses, optimizers, training.</p>"
    )
    index = out_dir / "index.html"
    index.write_text(
        _page(
            "numpy_seq2seq, annotated",
            nav,
            f'<div style="padding:16px">{intro}<ul>{items}</ul></div>',
        ),
        encoding="utf-8",
    )
    return [index] + written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "annotated")
    args = parser.parse_args(argv)
    for page in annotate(args.out):
        print(f"annotate: wrote {page}", flush=True)


if __name__ == "__main__":
    main()
