"""The site's one Sphinx extension: equations <-> code, annotated source, MathML, EN/JA switch.

* Each ``$$ ... \\tag{9} $$`` is drawn as MathML at build time (latex2mathml: no script and no
  network at reading time), gets ``id="eq-9"``, and lists the code lines that cite it.
* Every "eq. (9)", "eqs. (G8)-(G10)", "式 (L6)" in prose and in code comments links to the
  rendered equation.  A family of equations is one entry of ``FAMILIES``.
* Every module of ``numpy_seq2seq/`` gets an annotated page (``code/...``): its docstrings and
  comments beside the lines they describe, each line with an anchor ``L<n>``.
* A page that exists in both languages carries a link to its twin (``ja/<page>``).
"""

from __future__ import annotations

import ast
import inspect
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes
from latex2mathml.converter import convert
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from sphinx.ext.napoleon import Config, NumpyDocstring
from sphinx.search.en import SearchEnglish

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "numpy_seq2seq"
#: equation family (the letter before the number) -> the page that derives it
FAMILIES = {"": "bptt", "G": "gru", "L": "lstm", "A": "attention"}
NUM = r"\((?:" + "|".join(sorted(FAMILIES, reverse=True)) + r")\d+\)"
EQ_REF = re.compile(
    rf"(?:\b[Ee]qs?\.|\b[Ee]quations?(?: numbers?)?|式)\s*{NUM}(?:\s*(?:-|–|,|and|〜)\s*{NUM})*"
)
EQ_NUM = re.compile(r"\(([A-Z]?)(\d+)\)")
CJK = "[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
TAG = re.compile(r"\\tag\{([A-Z]?\d+)\}")
#: core modules in the order core/__init__.py tells a learner to read them; the rest follow
ORDER = ["core/__init__", "core/simple_rnn", "core/seq2seq", "core/gru", "core/lstm", "core/adam"]


def cites(text: str) -> list[str]:
    """Equation ids cited in a text: "eqs. (G8)-(G10)" -> ["G8", "G9", "G10"]."""
    found: list[str] = []
    for ref in EQ_REF.finditer(text):
        dash, last = False, None
        for m in re.finditer(r"\(([A-Z]?)(\d+)\)|(-|–|〜)", ref[0]):
            if m[3]:
                dash = True
                continue
            fam, n = m[1], int(m[2])
            start = last + 1 if dash and last is not None else n
            found += [f"{fam}{k}" for k in range(start, n + 1) if f"{fam}{k}" not in found]
            dash, last = False, n
    return found


def eq_page(eq: str, docname: str, docs) -> str:
    """The docname deriving equation ``eq``, in the reader's language when it exists."""
    page = FAMILIES[eq.rstrip("0123456789")]
    return f"ja/{page}" if docname.startswith("ja/") and f"ja/{page}" in docs else page


# -- annotated source ------------------------------------------------------------------
def modules() -> list[str]:
    names = [p.relative_to(PACKAGE).with_suffix("").as_posix() for p in PACKAGE.rglob("*.py")]
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else 9, "core/" not in n, n))


def sections(source: str) -> list[tuple[str, list[int]]]:
    """(notes in reST, code line numbers): a docstring or a run of comments, then its code.
    A documented def/class starts a section, so its docstring sits beside its signature."""
    lines, docs, heads = source.splitlines(), {}, {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and (
            doc := ast.get_docstring(node)
        ):
            docs[node.body[0].lineno] = (node.body[0].end_lineno, doc)
            if not isinstance(node, ast.Module):
                heads[min([node.lineno] + [d.lineno for d in node.decorator_list])] = doc
    out: list[tuple[str, list[int]]] = [("", [])]
    i, joined = 1, False
    while i <= len(lines):
        text = lines[i - 1].strip()
        if i in heads:
            first_doc = min(k for k in docs if k > i)
            out.append(("", list(range(i, first_doc))))
            i, joined = first_doc, True
        elif i in docs:
            if out[-1][1] and not joined:
                out.append(("", []))
            doc = docs[i][1]
            doc = str(NumpyDocstring(doc, Config())) if "\n---" in doc else doc
            doc = inspect.cleandoc(doc).replace("|", r"\|")
            out[-1] = (out[-1][0] + "\n\n" + doc, out[-1][1])
            i, joined = docs[i][0] + 1, False
        elif text.startswith("#"):
            if out[-1][1]:
                out.append(("", []))
            note = re.sub(r"^#+:?\s?", "", text)
            if re.match(r"-{2,}", note):  # a "# -- part --" comment: a heading in the notes
                note = f"\n\n**{note.strip('- ')}**\n\n" if note.strip("- ") else ""
            out[-1] = (out[-1][0] + "\n" + note, out[-1][1])
            i += 1
        else:
            out[-1][1].append(i)
            i += 1
    for _, code in out:  # no blank lines at either end
        while code and not lines[code[-1] - 1].strip():
            code.pop()
        while code and not lines[code[0] - 1].strip():
            code.pop(0)
    return [(notes, code) for notes, code in out if notes.strip() or code]


def equation_uses(names: list[str]) -> dict[str, list[tuple[str, int]]]:
    """{equation id: [(annotated docname, line)]}: the code that cites each equation."""
    uses: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
        lines = source.splitlines()
        for notes, code in sections(source):
            found = [(eq, n) for n in code for eq in cites(lines[n - 1].partition("#")[2])]
            found += [(eq, code[0]) for eq in cites(notes)] if code else []
            for eq, n in found:
                if (f"code/{name}", n) not in uses.setdefault(eq, []):
                    uses[eq].append((f"code/{name}", n))
    return uses


def link_comment(match: re.Match, page: str) -> str:
    def link(ref: re.Match) -> str:
        target = posixpath.relpath(eq_page(ref[1] + ref[2], "", ()), posixpath.dirname(page))
        return f'(<a class="eq" href="{target}.html#eq-{ref[1]}{ref[2]}">{ref[1]}{ref[2]}</a>)'

    return match[1] + EQ_REF.sub(lambda r: EQ_NUM.sub(link, r[0]), match[2]) + match[3]


def equation_cards(eqs: list[str], page: str) -> str:
    """Up to 6 cited equations beside the notes, each a link to its derivation."""
    texts = [(ROOT / "docs" / f"{d}.md").read_text(encoding="utf-8") for d in FAMILIES.values()]
    latex = {m[2]: m[1] for m in re.finditer(r"\$\$([^$]+?)\\tag\{(\w+)\}\s*\$\$", "".join(texts))}
    rel = posixpath.relpath(".", posixpath.dirname(page))
    return "".join(
        f'<a class="eqcard" href="{rel}/{eq_page(eq, "", ())}.html#eq-{eq}"><b>({eq})</b>'
        f"{mathml(latex[eq], display=True)}</a>" for eq in eqs[:6] if eq in latex
    )  # fmt: skip


def annotated_rst(name: str) -> str:
    lines = (source := (PACKAGE / f"{name}.py").read_text(encoding="utf-8")).splitlines()
    page = f"code/{name}"
    body = highlight(source, PythonLexer(stripnl=False, ensurenl=True), HtmlFormatter(nowrap=True))
    comment = re.compile(r'(<span class="c1">)(.*?)(</span>)')
    hl = [comment.sub(lambda m: link_comment(m, page), line) for line in body.split("\n")]
    title = f"numpy_seq2seq/{name}.py"
    out = [":hide-toc:\n", title, "=" * len(title) * 2, ""]
    for k, (notes, code) in enumerate(sections(source)):
        rows = "".join(
            f'<span class="line" id="L{n}"><a class="lno" href="#L{n}">{n}</a>{hl[n - 1]}\n</span>'
            for n in code
        )
        out += [f'.. raw:: html\n\n   <section class="sec" id="s{k}"><div class="notes">\n']
        eqs = cites(notes + " ".join(lines[n - 1].partition("#")[2] for n in code))
        out += [notes.strip() + "\n", ".. raw:: html\n", "   " + equation_cards(eqs, page)]
        out += ["   </div><div class='code'><pre>" + rows.replace("\n", "\n   ") + "</pre></div>"]
        out += ["   </section>\n"]
    return "\n".join(out)


def write_annotated(app) -> None:
    names = modules()
    app.env.ns2s_uses = equation_uses(names)
    folder = Path(app.srcdir) / "code"
    shutil.rmtree(folder, ignore_errors=True)
    for name in names:
        (folder / f"{name}.rst").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.rst").write_text(annotated_rst(name), encoding="utf-8")
    core = "\n".join(n for n in names if n.startswith("core/"))
    shell = "\n".join(n for n in names if not n.startswith("core/"))
    (folder / "index.md").write_text(
        "# The annotated source\n\nEvery module of `numpy_seq2seq`, its notes beside its code. "
        "Equation numbers link to the rendered equations, and each equation links back to the "
        "lines that cite it.\n\n```{toctree}\n:caption: The core, the math\n:maxdepth: 1\n\n"
        f"{core}\n```\n\n```{{toctree}}\n:caption: The shell\n:maxdepth: 1\n\n{shell}\n```\n",
        encoding="utf-8",
    )


# -- Markdown sources: GitHub's equation anchors go, links into the package become pages ---
def source_read(app, docname: str, source: list[str]) -> None:
    text = re.sub(r'^<a id="eq-[A-Z]?\d+"></a>[ \t]*\n', "", source[0], flags=re.M)
    text = re.sub(r"\]\(((?:\.\./)*)\.\./numpy_seq2seq/?\)", r"](\1code/index.md)", text)
    text = re.sub(r"\]\(((?:\.\./)*)\.\./numpy_seq2seq/([\w/]+)\.py", r"](\1code/\2.rst", text)
    walkthrough = r"\]\(((?:\.\./)*)\.\./examples/seq2seq_sin_cos\.py"
    source[0] = re.sub(walkthrough, r"](\1walkthrough)", text)


# -- MathML at build time ----------------------------------------------------------------
def mathml(latex: str, display: bool) -> str:
    latex = re.sub(r"\\mathrm\{([^{}]*)\}", r"\\text{\1}", latex.strip())  # keeps d upright
    return convert(latex, display="block" if display else "inline")


def visit_math(self, node) -> None:
    self.body.append(mathml(node.astext(), display=False))
    raise nodes.SkipNode


def visit_math_block(self, node) -> None:
    latex, doc = node.astext(), self.builder.current_docname
    tag = TAG.search(latex)
    body = mathml(TAG.sub("", latex), display=True)
    if not tag:
        self.body.append(f'<div class="equation">{body}</div>\n')
        raise nodes.SkipNode
    eq = tag[1]
    links = " · ".join(
        f'<a class="code-ref" href="{self.builder.get_relative_uri(doc, page)}#L{n}">'
        f"{page.removeprefix('code/')}.py:{n}</a>"
        for page, n in sorted(self.builder.env.ns2s_uses.get(eq, []))
    )
    label = "コードでは" if doc.startswith("ja/") else "In the code"
    uses = f"{label}: {links}" if links else "—"
    self.body.append(
        f'<div class="equation numbered" id="eq-{eq}">{body}<a class="eqno" href="#eq-{eq}">'
        f'({eq})</a><div class="eq-uses">{uses}</div></div>\n'
    )
    raise nodes.SkipNode


# -- links in prose, and the language switch ----------------------------------------------
SKIP = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.reference)


def ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def doctree_resolved(app, doctree, docname: str) -> None:
    docs, uri = app.env.found_docs, app.builder.get_relative_uri
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if docname.startswith("ja/") and "\n" in text:  # no spaces between Japanese lines
            joined = re.sub(rf"(?<={CJK})\n|\n(?={CJK})", "", text)
            parent.replace(text, text := nodes.Text(joined))
        if isinstance(parent, (*SKIP, nodes.title, nodes.raw)) or not EQ_REF.search(text):
            continue
        if any(isinstance(a, SKIP) for a in ancestors(parent)):
            continue
        new, pos = [], 0
        for ref in EQ_REF.finditer(text):
            new.append(nodes.Text(text[pos : ref.start()]))
            inner = 0
            for m in EQ_NUM.finditer(ref[0]):
                eq = m[1] + m[2]
                href = f"{uri(docname, eq_page(eq, docname, docs))}#eq-{eq}"
                new.append(nodes.Text(ref[0][inner : m.start() + 1]))
                new.append(nodes.reference("", eq, refuri=href, classes=["eq"]))
                inner = m.end() - 1
            new.append(nodes.Text(ref[0][inner:]))
            pos = ref.end()
        new.append(nodes.Text(text[pos:]))
        parent.replace(text, new)
    twin = docname[3:] if docname.startswith("ja/") else f"ja/{docname}"
    if twin in docs and doctree.children:
        label = "English" if docname.startswith("ja/") else "日本語"
        link = f'<a class="lang-switch" href="{uri(docname, twin)}">{label}</a>'
        doctree.children[0].insert(0, nodes.raw("", link, format="html"))


# -- one search index for both languages ----------------------------------------------------
class SearchBilingual(SearchEnglish):
    """Sphinx's English search, plus each run of Japanese indexed as its overlapping character
    pairs (bigrams), in Python and in the browser alike: "教師強制" is found as 教師, 師強, 強制."""

    js_splitter_code = r"""function splitQuery(query) {
  const cjk = "\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef", out = [];
  const runs = new RegExp(`[${cjk}]+|[^${cjk}]+`, "gu");
  for (const word of query.split(/[^\p{Letter}\p{Number}_]+/u))
    for (const part of word.match(runs) || [])
      if (part.length < 2 || !new RegExp(`[${cjk}]`, "u").test(part[0])) out.push(part);
      else for (let i = 0; i + 1 < part.length; i++) out.push(part.slice(i, i + 2));
  return out.filter((term) => term);
}"""

    def split(self, input: str) -> list[str]:
        out = []
        for word in super().split(input):
            for part in re.findall(rf"{CJK}+|[^{CJK[1:-1]}]+", word):
                is_cjk = len(part) > 1 and re.match(CJK, part)
                out += [part[i : i + 2] for i in range(len(part) - 1)] if is_cjk else [part]
        return out


def page_context(app, pagename, templatename, context, doctree) -> None:
    if pagename.startswith("ja/"):
        context["language"] = "ja"


def setup(app):
    app.add_search_language(SearchBilingual)
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    app.connect("builder-inited", write_annotated)
    app.connect("source-read", source_read)
    app.connect("doctree-resolved", doctree_resolved)
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
