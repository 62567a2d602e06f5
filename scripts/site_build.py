"""Build the static docs site into ``site/`` (the last step of ``make docs``).

    python -m scripts.site_build --out site      # pages only, from docs/ as committed

Why a small generator of our own instead of mkdocs-material or Sphinx?  The
site has three kinds of page that those tools would each need a plugin for:
Markdown with numbered equations, a docco-style annotated source whose
equation numbers link both ways with the derivation, and a notebook executed
at build.  The generator is ~300 lines on three well-kept packages
(markdown-it-py, the CommonMark parser behind MyST and Jupyter; mdit-py-plugins;
latex2mathml) plus Pygments, turns every formula into MathML at build time, and
produces plain HTML and one CSS file: nothing is fetched at build or at read
time, and any modern browser shows the pages from ``file://``.
"""

from __future__ import annotations

import argparse
import html
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from scripts import annotate
from scripts.site_markdown import Renderer, Site, equations, relative

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Page:
    source: str  # repository path
    page: str  # site path
    title: str  # short name for the navigation bar
    lang: str = "en"
    other: str = ""  # site path of the same page in the other language


MARKDOWN_PAGES = (
    Page("docs/index.md", "index.html", "Home"),
    Page("docs/tutorial.md", "tutorial.html", "Tutorial", other="ja/tutorial.html"),
    Page("docs/ja/tutorial.md", "ja/tutorial.html", "チュートリアル", "ja", other="tutorial.html"),
    Page("docs/bptt.md", "bptt.html", "Derivation", other="ja/bptt.html"),
    Page("docs/ja/bptt.md", "ja/bptt.html", "導出（日本語）", "ja", other="bptt.html"),
    Page(
        "docs/worked_example.md",
        "worked_example.html",
        "Worked example",
        other="ja/worked_example.html",
    ),
    Page(
        "docs/ja/worked_example.md",
        "ja/worked_example.html",
        "計算例",
        "ja",
        other="worked_example.html",
    ),
    Page("docs/gru.md", "gru.html", "GRU", other="ja/gru.html"),
    Page("docs/ja/gru.md", "ja/gru.html", "GRU（日本語）", "ja", other="gru.html"),
    Page("docs/lstm.md", "lstm.html", "LSTM", other="ja/lstm.html"),
    Page("docs/ja/lstm.md", "ja/lstm.html", "LSTM（日本語）", "ja", other="lstm.html"),
    Page("docs/exercises.md", "exercises.html", "Exercises", other="ja/exercises.html"),
    Page("docs/ja/exercises.md", "ja/exercises.html", "演習", "ja", other="exercises.html"),
    Page("docs/keras-mapping.md", "keras-mapping.html", "Keras map"),
    Page("docs/performance.md", "performance.html", "Performance"),
)
WALKTHROUGH = Page("examples/seq2seq_sin_cos.py", "walkthrough.html", "Walkthrough")
CODE_INDEX = "code/index.html"
NAV = (
    ("index.html", "Home"),
    ("tutorial.html", "Tutorial"),
    ("ja/tutorial.html", "チュートリアル"),
    ("bptt.html", "Derivation"),
    ("ja/bptt.html", "導出"),
    ("worked_example.html", "Worked example"),
    ("gru.html", "GRU"),
    ("lstm.html", "LSTM"),
    ("exercises.html", "Exercises"),
    (CODE_INDEX, "Annotated code"),
    ("walkthrough.html", "Walkthrough"),
    ("keras-mapping.html", "Keras map"),
    ("performance.html", "Performance"),
)

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --tint: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.6 "DejaVu Sans", "IPAPGothic", "IPAGothic", "Noto Sans CJK JP", sans-serif; }
:lang(ja) body, body:lang(ja) { font-family: "IPAPGothic", "IPAGothic", "Noto Sans CJK JP",
  "DejaVu Sans", sans-serif; line-height: 1.8; }
header.top { position: sticky; top: 0; z-index: 5; background: #24292f; padding: 0 16px; }
header.top a { display: inline-block; color: #f0f3f6; padding: 9px 10px; font-size: 14px;
  text-decoration: none; }
header.top a.here { background: #3d444d; border-radius: 4px; }
header.top a:hover { text-decoration: underline; }
main { max-width: 52rem; margin: 0 auto; padding: 8px 24px 64px; }
main.wide { max-width: none; padding: 0; }
a { color: var(--accent); }
h1 { font-size: 1.9rem; line-height: 1.25; margin-top: 1.2rem; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 2.2rem; }
h1, h2, h3 { scroll-margin-top: 48px; }
code { font: 0.86em "DejaVu Sans Mono", monospace; background: var(--tint); padding: 1px 4px;
  border-radius: 4px; }
pre { background: var(--tint); padding: 12px 14px; overflow-x: auto; border-radius: 6px;
  font: 13.5px/1.45 "DejaVu Sans Mono", monospace; }
pre code { background: none; padding: 0; font-size: inherit; }
table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: 5px 10px; vertical-align: top; }
th { background: var(--tint); }
img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
blockquote { margin: 0; padding: 0 1rem; color: var(--muted); border-left: 4px solid var(--line); }
math { font-family: "DejaVu Math TeX Gyre", "Latin Modern Math", "STIX Two Math", math;
  font-size: 1.08em; }
.equation { margin: 1.1rem 0; padding: 10px 12px; overflow-x: auto; }
.equation.numbered { display: grid; grid-template-columns: 1fr auto; align-items: center;
  column-gap: 12px; background: #fbfbfd; border-left: 3px solid #c9d4e3;
  scroll-margin-top: 56px; }
.equation .eqno { font-weight: bold; text-decoration: none; color: var(--ink); }
.equation:target { background: #fff7d6; border-left-color: #e0a800; }
.eq-uses { grid-column: 1 / -1; font-size: 13px; color: var(--muted); margin-top: 4px; }
.eq-uses a { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; }
a.eq { font-weight: bold; text-decoration: none; }
.repo-file { border-bottom: 1px dotted var(--muted); }
.lang-switch { float: right; font-size: 14px; margin-top: 1.6rem; }
/* annotated source: notes on the left, code on the right */
.annotated-head { padding: 16px 24px; border-bottom: 1px solid var(--line); }
.annotated-head h1 { margin: 0 0 4px; }
.annotated-head p { margin: 4px 0; color: var(--muted); }
.sec { display: grid; grid-template-columns: minmax(20rem, 36%) 1fr; scroll-margin-top: 44px;
  border-bottom: 1px solid #eef1f4; }
.sec .notes { padding: 10px 20px 12px 24px; font-size: 15px; line-height: 1.55; min-width: 0; }
.sec .notes > :first-child { margin-top: 0; }
.sec .notes p { margin: 0 0 8px; }
.sec .notes ul { padding-left: 20px; margin: 4px 0 8px; }
.sec .notes pre { font-size: 12.5px; padding: 8px; }
.sec .notes h2.part { font-size: 1.05rem; border: 0; margin: 6px 0 8px; color: #6a3d9a;
  text-transform: uppercase; letter-spacing: 0.04em; }
.sec .code { background: var(--tint); border-left: 1px solid var(--line); min-width: 0; }
.sec .code pre { margin: 0; padding: 8px 0; background: none; border-radius: 0;
  font-size: 13px; line-height: 1.5; }
.sec .code .line { display: block; padding-right: 12px; scroll-margin-top: 60px; }
.sec .code .line:target { background: #fff3b0; }
.sec .code .lno { display: inline-block; width: 3.2em; padding-right: 0.8em; text-align: right;
  color: #9aa5b1; text-decoration: none; user-select: none; }
.eqcards { display: flex; flex-direction: column; gap: 6px; margin: 6px 0 4px; }
a.eqcard { display: grid; grid-template-columns: auto minmax(0, 1fr); align-items: center; gap: 8px;
  padding: 6px 10px; background: #fbfbfd; border: 1px solid #dde3ea; border-radius: 6px;
  color: var(--ink); text-decoration: none; overflow-x: auto; }
a.eqcard:hover { border-color: var(--accent); }
a.eqcard span { font-weight: bold; color: var(--accent); }
a.eqcard .m { overflow-x: auto; }
a.eqcard math { font-size: 0.85em; }
/* the executed walkthrough */
.cell-out { background: #fff; border: 1px solid var(--line); border-left: 3px solid #8fbc8f;
  white-space: pre-wrap; }
.cell-code { margin-bottom: 4px; }
.skipped { border-left-color: #d9a400; }
@media (max-width: 60rem) { .sec { grid-template-columns: 1fr; } }
"""


def page_html(page: str, title: str, body: str, lang: str = "en", wide: bool = False) -> str:
    nav = "".join(
        f'<a href="{relative(page, target)}"{" class=here" if target == page else ""}'
        f">{html.escape(label)}</a>"
        for target, label in NAV
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} · numpy-seq2seq</title>"
        f'<link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="{relative(page, "style.css")}"></head>\n'
        f'<body><header class="top"><nav>{nav}</nav></header>\n'
        f"<main{' class=wide' if wide else ''}>\n{body}\n</main></body></html>\n"
    )


def code_block_highlighter(code: str, lang: str, attrs: str) -> str:
    """Pygments for fenced blocks (``python``, ``python keras``, ``pycon``, ``text``)."""
    name = (lang or "text").split()[0]
    try:
        lexer = get_lexer_by_name(name)
    except ClassNotFound:
        return ""
    body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code>{body}</code></pre>'


def make_site_map(mods: list[annotate.Module]) -> Site:
    site = Site()
    for p in MARKDOWN_PAGES:
        site.pages[p.source] = p.page
    site.pages["README.md"] = "index.html"
    site.pages[WALKTHROUGH.source] = WALKTHROUGH.page
    site.pages["docs/annotated/index.html"] = CODE_INDEX
    site.pages["numpy_seq2seq"] = CODE_INDEX
    for mod in mods:
        site.pages[f"numpy_seq2seq/{mod.name}.py"] = mod.page
    for png in sorted((DOCS / "figures").glob("*.png")):
        site.assets[f"docs/figures/{png.name}"] = f"figures/{png.name}"
    return site


def uses_html(
    uses: dict[int, list[tuple[str, str, str]]],
) -> Callable[[int, str], str]:
    """For the derivation pages: the code lines that cite eq. (N), as links."""

    def render(n: int, page: str) -> str:
        entries = uses.get(n, [])
        label = "コードでは" if page.startswith("ja/") else "In the code"
        if not entries:
            none = (
                "（コードでは引用されていません）"
                if page.startswith("ja/")
                else "not cited in the code"
            )
            return f'<div class="eq-uses">{none}</div>'
        links = " · ".join(
            f'<a class="code-ref" href="{relative(page, target)}#{anchor}">{html.escape(text)}</a>'
            for target, anchor, text in entries
        )
        return f'<div class="eq-uses">{label}: {links}</div>'

    return render


def render_markdown_page(p: Page, text: str, site: Site, uses, out: Path) -> None:
    bptt = "ja/bptt.html" if p.lang == "ja" else "bptt.html"
    renderer = Renderer(site, p.source, p.page, eq_uses=uses, bptt_page=bptt)
    renderer.md.options["highlight"] = code_block_highlighter
    body = renderer.render(text)
    title = renderer.headings[0][2] if renderer.headings else p.title
    if p.other:
        switch = "English" if p.lang == "ja" else "日本語"
        body = f'<a class="lang-switch" href="{relative(p.page, p.other)}">{switch}</a>\n' + body
    write(out / p.page, page_html(p.page, title, body, lang=p.lang))


def render_code_pages(mods, site: Site, eqs: dict[int, str], out: Path) -> None:
    for mod in mods:
        kind = "core: the math" if mod.is_core else "shell"
        head = (
            f'<div class="annotated-head"><h1>{html.escape(mod.label)}</h1>'
            f"<p>{kind} · notes on the left, the code on the right. Equation numbers link to the "
            f'<a href="{relative(mod.page, "bptt.html")}">derivation</a>; the boxes under a '
            "note show the equations that block computes.</p></div>"
        )
        body = head + annotate.module_body(mod, site, eqs, "bptt.html")
        write(out / mod.page, page_html(mod.page, mod.label, body, wide=True))
    groups = [("The core: the math", [m for m in mods if m.is_core])]
    groups.append(
        (
            "The shell: training loop, checks, files, CLI, figures",
            [m for m in mods if not m.is_core],
        )
    )
    items = ""
    for title, group in groups:
        if not group:
            continue
        lis = "".join(
            f'<li><a href="{relative(CODE_INDEX, m.page)}"><code>{html.escape(m.label)}</code></a>'
            f" — {_inline_markdown(annotate.first_line(m), site, CODE_INDEX)}</li>"
            for m in group
        )
        items += f"<h2>{html.escape(title)}</h2><ul>{lis}</ul>"
    intro = (
        "<h1>The annotated source</h1><p>Every module of <code>numpy_seq2seq</code>, with its "
        "notes beside the code. Equation numbers link to the rendered equation on the "
        f'<a href="{relative(CODE_INDEX, "bptt.html")}">derivation page</a>, and each equation '
        "there links back to the lines that compute it.</p>"
    )
    write(out / CODE_INDEX, page_html(CODE_INDEX, "Annotated source", intro + items))


def _inline_markdown(text: str, site: Site, page: str) -> str:
    """One docstring line as inline HTML (``code`` and *emphasis* rendered)."""
    rendered = Renderer(site, "numpy_seq2seq", page).render(annotate.docstring_markdown(text))
    return rendered.strip().removeprefix("<p>").removesuffix("</p>")


def render_walkthrough(cells, site: Site, out: Path, keras: bool) -> None:
    page = WALKTHROUGH.page
    parts = []
    for cell in cells:
        if cell.kind == "markdown":
            parts.append(
                Renderer(site, WALKTHROUGH.source, page, bptt_page="bptt.html").render(cell.source)
            )
            continue
        code = highlight(cell.source, PythonLexer(), HtmlFormatter(nowrap=True))
        parts.append(f'<pre class="cell-code highlight"><code>{code}</code></pre>')
        if cell.output:
            cls = "cell-out skipped" if "Keras cell skipped" in cell.output else "cell-out"
            parts.append(f'<pre class="{cls}">{html.escape(cell.output)}</pre>')
        for name in cell.figures:
            parts.append(
                f'<p><img src="walkthrough/{name}" alt="figure made by the cell above"></p>'
            )
    note = (
        "<p><em>Executed when this site was built"
        + ("" if keras else ", without TensorFlow: the Keras cells say they were skipped")
        + ". Source: <code>examples/seq2seq_sin_cos.py</code> (a jupytext notebook).</em></p>"
    )
    write(out / page, page_html(page, "Walkthrough", note + "\n".join(parts)))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(
    out: Path,
    texts: dict[str, str] | None = None,
    walkthrough_cells=None,
    keras: bool = True,
) -> list[Path]:
    """Write the whole site into ``out``; ``texts`` overrides a Markdown file's contents
    (the numbers step passes the files with their generated numbers filled in)."""
    texts = texts or {}
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    mods = annotate.modules()
    site = make_site_map(mods)
    uses = uses_html(annotate.equation_uses(mods))
    bptt_text = texts.get("docs/bptt.md") or (ROOT / "docs/bptt.md").read_text(encoding="utf-8")
    eqs = equations(bptt_text)
    for p in MARKDOWN_PAGES:
        text = texts.get(p.source) or (ROOT / p.source).read_text(encoding="utf-8")
        render_markdown_page(p, text, site, uses, out)
    render_code_pages(mods, site, eqs, out)
    if walkthrough_cells is not None:
        render_walkthrough(walkthrough_cells, site, out, keras)
    (out / "figures").mkdir()
    for png in (DOCS / "figures").glob("*.png"):
        shutil.copy2(png, out / "figures" / png.name)
    style = CSS + HtmlFormatter(style="default").get_style_defs([".highlight", ".code pre"])
    write(out / "style.css", style + "\n")
    return sorted(out.rglob("*.html"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    pages = build(args.out)
    print(f"site_build: {len(pages)} pages in {args.out}")


if __name__ == "__main__":
    main()
