"""Annotated source for the docs site: each module as notes beside code (docco style).

``make docs`` calls :func:`annotate_package`; it finds every module of
``numpy_seq2seq/`` (the core in ``numpy_seq2seq/core/`` first, when it exists,
then the shell) by globbing, so a new module such as a GRU cell gets its page
without touching this file.

A module is cut into *sections*: a docstring or a run of full-line comments
(the notes), and the code that follows it.  The notes are rendered as Markdown,
with the small amount of reST/numpydoc our docstrings use turned into Markdown
first.  Every "eq. (9)" / "eqs. (8)-(12)", in the notes and in the code's
trailing comments, links to that equation rendered on the derivation page, and
the section shows those equations themselves (in MathML) under its notes, so a
learner sees the formula next to the lines that compute it.  In the other
direction, :func:`equation_uses` tells the derivation page which code lines
cite each equation.

Why not pycco (the Python port of docco)?  Its last release is from 2018, its
template engine survives only as a fork, it renders numpydoc sections as one
run-on line and it cannot link equation numbers.  Sections, highlighting and
links here are ~250 lines on Pygments and markdown-it-py.
"""

from __future__ import annotations

import ast
import html
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from scripts.site_markdown import EQ_NUM, EQ_REF, Renderer, Site, cited_numbers, math_html

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "numpy_seq2seq"

#: Preferred reading order; modules found by the glob but not named here follow alphabetically.
READING_ORDER = (
    "core/__init__",
    "core/simple_rnn",
    "core/seq2seq",
    "core/adam",
    "core/initializers",
    "core/gru",
    "core/lstm",
    "__init__",
    "data",
    "layers",
    "model",
    "gradcheck",
    "validation",
    "io",
    "plotting",
    "cli",
    "__main__",
)

#: A section's notes show the cited equations themselves when there are at most this many.
MAX_EQUATION_CARDS = 6


@dataclass
class Section:
    """Notes (Markdown) and the code lines they describe, as (line number, text)."""

    notes: str
    code: list[tuple[int, str]] = field(default_factory=list)
    heading: str = ""  # a "# -- part --" comment that opens this part of the module


@dataclass
class Module:
    path: Path  # the .py file
    name: str  # "core/simple_rnn", "model"
    page: str  # site path, "code/core/simple_rnn.html"

    @property
    def label(self) -> str:
        return f"numpy_seq2seq/{self.name}.py"

    @property
    def is_core(self) -> bool:
        return self.name.startswith("core/")


# -- finding the modules ------------------------------------------------------
def modules(package: Path = PACKAGE) -> list[Module]:
    """Every module of the package, core first, in reading order."""
    found = {
        p.relative_to(package).with_suffix("").as_posix(): p
        for p in sorted(package.rglob("*.py"))
        if "__pycache__" not in p.parts
    }
    order = [n for n in READING_ORDER if n in found]
    order += sorted(set(found) - set(order), key=lambda n: (not n.startswith("core/"), n))
    order.sort(key=lambda n: not n.startswith("core/"))  # stable: core, then shell
    return [Module(found[n], n, f"code/{n}.html") for n in order]


# -- cutting a module into sections -----------------------------------------------
def _docstring_spans(tree: ast.Module) -> tuple[dict[int, int], dict[int, int]]:
    """First line -> last line (1-based) of docstrings, and of the headers of documented
    defs/classes (from the first decorator to the line before the docstring)."""
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


PART_COMMENT = re.compile(r"^#+\s*-{2,}\s*(.*?)\s*-*\s*$")


def _comment(line: str) -> tuple[str, bool] | None:
    """(text, is_part_heading) of a full-line comment, else None."""
    stripped = line.strip()
    if not stripped.startswith("#"):
        return None
    part = PART_COMMENT.match(stripped)
    if part:
        return part[1], True
    text = stripped[1:].removeprefix(":")  # "#:" marks an attribute's doc comment
    return (text[1:] if text.startswith(" ") else text).rstrip(), False


def sections(source: str) -> list[Section]:
    """Docco sections: a docstring or a run of comments, then the code up to the next one.

    A documented ``def``/``class`` starts a section at its first line, so its docstring
    sits beside its signature.  A "# -- part --" comment becomes the heading of the
    section that follows it.
    """
    lines = source.splitlines()
    docstrings, headers = _docstring_spans(ast.parse(source))
    out: list[Section] = [Section("")]
    notes: list[str] = []
    heading = ""
    i = 0

    def start(code: list[tuple[int, str]] | None = None) -> None:
        nonlocal notes, heading
        out.append(Section("", code or [], heading))
        heading = ""

    while i < len(lines):
        lineno = i + 1
        current = out[-1]
        has_code = any(t.strip() for _, t in current.code)
        if lineno in headers:
            start([(n + 1, lines[n]) for n in range(i, headers[lineno])])
            i = headers[lineno]
        elif lineno in docstrings:
            text = inspect.cleandoc(ast.literal_eval("\n".join(lines[i : docstrings[lineno]])))
            if has_code and lineno - 1 not in headers.values():
                start()
            out[-1].notes += ("\n\n" if out[-1].notes else "") + docstring_markdown(text)
            i = docstrings[lineno]
        elif (comment := _comment(lines[i])) is not None:
            text, is_part = comment
            if has_code or is_part:
                if is_part:
                    heading = text
                    i += 1
                    continue
                start()
            out[-1].notes += ("\n" if out[-1].notes else "") + text
            i += 1
        else:
            if heading and not current.heading and not current.notes and not has_code:
                current.heading, heading = heading, ""
            elif heading:
                start()
            out[-1].code.append((lineno, lines[i]))
            i += 1
    result = []
    for sec in out:
        while sec.code and not sec.code[-1][1].strip():
            sec.code.pop()
        while sec.code and not sec.code[0][1].strip():
            sec.code.pop(0)
        if sec.notes.strip() or sec.code or sec.heading:
            result.append(sec)
    return result


# -- docstrings (reST / numpydoc) -> Markdown ---------------------------------------
def docstring_markdown(text: str) -> str:
    """The reST our docstrings use, as Markdown: ``code``, numpydoc sections, doctests."""
    text = re.sub(r"``(.+?)``", r"`\1`", text)
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and nxt.strip() and set(nxt.strip()) == {"-"}:  # numpydoc section
            out += ["", f"**{line.strip()}**", ""]
            i += 2
            while i < len(lines) and (lines[i].strip() or _indented_next(lines, i)):
                entry = lines[i]
                if entry.strip() and not entry.startswith((" ", "\t")):
                    name, _, kind = entry.partition(" : ")
                    out.append(f"- `{name.strip()}`" + (f" ({kind.strip()})" if kind else ""))
                    described = False
                elif entry.strip():
                    out[-1] += (" " if described else ": ") + entry.strip()
                    described = True
                i += 1
            out.append("")
        elif line.lstrip().startswith(">>>"):
            out += ["", "```pycon"]
            while i < len(lines) and lines[i].strip():
                out.append(lines[i].strip() if lines[i].lstrip().startswith(">>>") else lines[i])
                i += 1
            out += ["```", ""]
        else:
            out.append(line.replace("::", ":") if line.rstrip().endswith("::") else line)
            i += 1
    return "\n".join(out).strip()


def _indented_next(lines: list[str], i: int) -> bool:
    return i + 1 < len(lines) and lines[i + 1].startswith((" ", "\t"))


# -- equations ---------------------------------------------------------------------------
def _cites(text: str) -> list[int]:
    nums: list[int] = []
    for ref in EQ_REF.finditer(text):
        nums += [n for n in cited_numbers(ref[0]) if n not in nums]
    return nums


def equation_uses(mods: list[Module]) -> dict[int, list[tuple[str, str, str]]]:
    """{N: [(site page, anchor, label)]}: the code that cites eq. (N), for backlinks."""
    uses: dict[int, list[tuple[str, str, str]]] = {}
    for mod in mods:
        source = mod.path.read_text(encoding="utf-8")
        for sec in sections(source):
            code_cites = []
            for lineno, line in sec.code:
                comment = line.partition("#")[2]
                for n in _cites(comment):
                    code_cites.append((n, lineno))
            first = sec.code[0][0] if sec.code else None
            prose = [(n, first) for n in _cites(sec.notes)] if first else []
            for n, lineno in code_cites + prose:
                entry = (mod.page, f"L{lineno}", f"{mod.name}.py:{lineno}")
                if entry not in uses.setdefault(n, []):
                    uses[n].append(entry)
    for entries in uses.values():
        entries.sort(key=lambda e: (e[0], int(e[1][1:])))
    return uses


# -- rendering ---------------------------------------------------------------------------
_FORMATTER = HtmlFormatter(nowrap=True)
_COMMENT_SPAN = re.compile(r'(<span class="c1">)(.*?)(</span>)')


def highlighted_lines(source: str, bptt_href: str) -> dict[int, str]:
    """Line number -> highlighted HTML (each line's spans closed), eq. refs linked."""
    body = highlight(source, PythonLexer(stripnl=False, ensurenl=True), _FORMATTER)

    def link(m: re.Match) -> str:
        linked = EQ_REF.sub(
            lambda r: EQ_NUM.sub(
                lambda n: f'(<a class="eq" href="{bptt_href}#eq-{n[1]}">{n[1]}</a>)', r[0]
            ),
            m[2],
        )
        return m[1] + linked + m[3]

    return {k: _COMMENT_SPAN.sub(link, line) for k, line in enumerate(body.split("\n"), start=1)}


def equation_cards(nums: list[int], eqs: dict[int, str], bptt_href: str) -> str:
    if not nums or len(nums) > MAX_EQUATION_CARDS:
        return ""
    cards = "".join(
        f'<a class="eqcard" href="{bptt_href}#eq-{n}" title="eq. ({n}) in the derivation">'
        f'<span>({n})</span><span class="m">{math_html(eqs[n], display=True)}</span></a>'
        for n in nums
        if n in eqs
    )
    return f'<div class="eqcards">{cards}</div>' if cards else ""


def module_body(mod: Module, site: Site, eqs: dict[int, str], bptt_page: str) -> str:
    """The two-column body of one module's page."""
    source = mod.path.read_text(encoding="utf-8")
    bptt_href = Renderer(site, mod.label, mod.page, bptt_page=bptt_page).bptt_href or ""
    lines = highlighted_lines(source, bptt_href)
    rows = []
    for k, sec in enumerate(sections(source)):
        notes = Renderer(site, mod.label, mod.page, bptt_page=bptt_page).render(sec.notes)
        cited = _cites(sec.notes)
        for _, line in sec.code:
            cited += [n for n in _cites(line.partition("#")[2]) if n not in cited]
        notes += equation_cards(cited, eqs, bptt_href)
        code = "".join(
            f'<span class="line" id="L{n}"><a class="lno" href="#L{n}">{n}</a>{lines[n]}</span>'
            for n, _ in sec.code
        )
        heading = f'<h2 class="part">{html.escape(sec.heading)}</h2>' if sec.heading else ""
        rows.append(
            f'<section class="sec" id="section-{k}">'
            f'<div class="notes">{heading}{notes}</div>'
            f'<div class="code"><pre>{code}</pre></div></section>'
        )
    return "\n".join(rows)


def first_line(mod: Module) -> str:
    doc = ast.get_docstring(ast.parse(mod.path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""
