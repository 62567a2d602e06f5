"""Markdown with math -> HTML for the docs site (``make docs``).

The pages in ``docs/`` are written for GitHub, which renders ``$...$`` and
``$$...$$`` itself and makes heading anchors with its own "slugger".  This module
renders the same files for the static site:

* Markdown by markdown-it-py (CommonMark plus GitHub's tables and
  strikethrough), math found by mdit-py-plugins' ``dollarmath``;
* every formula converted to MathML **at build time** by ``latex2mathml``, so the
  pages need no JavaScript, no math font download and no network to read;
* heading ids made exactly as GitHub makes them (:func:`github_slug`), so a
  ``#fragment`` that works on GitHub works on the site and vice versa;
* ``$$ ... \\tag{N} $$`` becomes a numbered equation with ``id="eq-N"`` and,
  below it, links to every code line that cites eq. (N);
* links between the Markdown files are rewritten to the site's pages, links to
  modules of the package go to their annotated page, and links to files the
  site does not contain become plain text (no dead links).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

TAG = re.compile(r"\\tag\{(\d+)\}")
EQ_ANCHOR_LINE = re.compile(r'^<a id="eq-\d+"></a>\s*$', re.M)

#: "eq. (9)", "eqs. (8)-(12)", "eqs. (5), (6)", "Equation numbers (1)-(12)", "式 (9)".
EQ_REF = re.compile(
    r"(?:\b[Ee]qs?\.|\b[Ee]quations?(?: numbers?)?|式)\s*\(\d+\)(?:\s*(?:-|–|,|and|〜)\s*\(\d+\))*"
)
EQ_NUM = re.compile(r"\((\d+)\)")
CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces -> '-'.

    "Forward pass (1)–(4)" -> "forward-pass-14"; Japanese letters are kept.
    """
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def cited_numbers(ref: str) -> list[int]:
    """The equation numbers in one reference: "eqs. (8)-(12)" -> [8, 9, 10, 11, 12]."""
    nums: list[int] = []
    dash = False
    for num, sep in re.findall(r"\((\d+)\)|(-|–|〜)", ref):
        if sep:
            dash = True
            continue
        if dash and nums:
            nums.extend(range(nums[-1] + 1, int(num)))
        nums.append(int(num))
        dash = False
    return nums


def math_html(latex: str, display: bool) -> str:
    """One formula as MathML (done here, at build time).

    latex2mathml drops ``\\mathrm``, which would leave the "d" of a gradient
    italic like a variable; ``\\text`` keeps it upright."""
    latex = re.sub(r"\\mathrm\{([^{}]*)\}", r"\\text{\1}", latex.strip())
    return latex_to_mathml(latex, display="block" if display else "inline")


def equations(markdown: str) -> dict[int, str]:
    """{N: LaTeX} of every ``$$ ... \\tag{N} $$`` block, the tag removed."""
    found = {}
    for block in re.findall(r"\$\$(.*?)\$\$", markdown, re.S):
        tag = TAG.search(block)
        if tag:
            found[int(tag[1])] = TAG.sub("", block).strip()
    return found


@dataclass
class Site:
    """Where each source file lands in the site; links are resolved against this."""

    #: repository path of a source (``docs/bptt.md``, ``numpy_seq2seq/model.py``) -> site path
    pages: dict[str, str] = field(default_factory=dict)
    #: repository path of a copied asset (``docs/figures/loss.png``) -> site path
    assets: dict[str, str] = field(default_factory=dict)

    def href(self, from_page: str, repo_target: str, fragment: str = "") -> str | None:
        """Relative href from site page ``from_page`` to a repository file, or None."""
        target = self.pages.get(repo_target) or self.assets.get(repo_target)
        if target is None:
            return None
        rel = posixpath.relpath(target, posixpath.dirname(from_page) or ".")
        if target == from_page:
            rel = ""
        return rel + (f"#{fragment}" if fragment else "")


def relative(from_page: str, to_page: str) -> str:
    """Relative href between two site paths."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def link_equations_in_text(escaped: str, bptt_href: str) -> str:
    """Turn each "eq. (9)" in HTML-escaped text into links to the rendered equations."""

    def link(match: re.Match) -> str:
        return EQ_NUM.sub(
            lambda m: f'(<a class="eq" href="{bptt_href}#eq-{m[1]}">{m[1]}</a>)', match[0]
        )

    return EQ_REF.sub(link, escaped)


class Renderer:
    """Markdown -> HTML for one page of the site."""

    def __init__(
        self,
        site: Site,
        source: str,
        page: str,
        eq_uses: Callable[[int, str], str] | None = None,
        bptt_page: str | None = None,
    ) -> None:
        """``source``: repository path of the Markdown; ``page``: its site path;
        ``eq_uses(N, page)``: HTML listing the code that cites eq. (N), placed under it;
        ``bptt_page``: site path of the derivation that "eq. (N)" in prose links to."""
        self.site, self.source, self.page = site, source, page
        self.eq_uses = eq_uses
        self.bptt_href = relative(page, bptt_page) if bptt_page else None
        self.md = (
            MarkdownIt("commonmark", {"html": True, "typographer": False})
            .enable(["table", "strikethrough"])
            .use(dollarmath_plugin, allow_space=True, double_inline=True)
        )
        # markdown-it binds render rules to its renderer, so each rule is a closure
        rules = {
            "math_inline": self._math_inline,
            "math_inline_double": self._math_block,
            "math_block": self._math_block,
            "math_block_label": self._math_block,
            "text": self._text,
            "softbreak": self._softbreak,
        }
        for name, method in rules.items():
            self.md.add_render_rule(name, _rule(method))
        self.headings: list[tuple[int, str, str]] = []  # (level, id, text)

    # -- render rules ----------------------------------------------------------
    def _math_inline(self, tokens, idx, options, env) -> str:
        return math_html(tokens[idx].content, display=False)

    def _math_block(self, tokens, idx, options, env) -> str:
        latex = tokens[idx].content
        tag = TAG.search(latex)
        body = math_html(TAG.sub("", latex), display=True)
        if not tag:
            return f'<div class="equation">{body}</div>\n'
        n = int(tag[1])
        uses = self.eq_uses(n, self.page) if self.eq_uses else ""
        return (
            f'<div class="equation numbered" id="eq-{n}">{body}'
            f'<a class="eqno" href="#eq-{n}" title="link to this equation">({n})</a>'
            f"{uses}</div>\n"
        )

    def _softbreak(self, tokens, idx, options, env) -> str:
        """A line break inside a paragraph is a space in English, and nothing between two
        Japanese characters (Japanese is written without spaces)."""
        before = tokens[idx - 1].content[-1:] if idx > 0 else ""
        after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
        return "" if CJK.match(before) or CJK.match(after) else "\n"

    def _text(self, tokens, idx, options, env) -> str:
        escaped = html.escape(tokens[idx].content, quote=False)
        if self.bptt_href is not None and not tokens[idx].meta.get("in_link"):
            escaped = link_equations_in_text(escaped, self.bptt_href)
        return escaped

    # -- token passes ------------------------------------------------------------
    def _fix_links(self, tokens: list[Token]) -> None:
        """Rewrite hrefs/srcs to site paths; links to files outside the site become text."""
        base = posixpath.dirname(self.source)
        for tok in tokens:
            if tok.children:
                self._fix_links(tok.children)
            if tok.type == "image":
                src = tok.attrGet("src") or ""
                if not re.match(r"[a-z]+:", src):
                    target = posixpath.normpath(posixpath.join(base, src))
                    new = self.site.href(self.page, target)
                    if new is None:
                        raise ValueError(f"{self.source}: image {src} is not in the site")
                    tok.attrSet("src", new)
            if tok.type != "link_open":
                continue
            href = tok.attrGet("href") or ""
            if re.match(r"[a-z]+:", href) or href.startswith("#"):
                continue
            path, _, frag = href.partition("#")
            target = posixpath.normpath(posixpath.join(base, path))
            new = self.site.href(self.page, target, frag)
            if new is None:
                tok.meta["dead"] = target
            else:
                tok.attrSet("href", new)

    def _dead_links_to_text(self, tokens: list[Token]) -> None:
        for tok in tokens:
            if tok.children:
                self._dead_links_to_text(tok.children)
                stack = []
                for child in tok.children:
                    if child.type == "link_open":
                        stack.append(child.meta.get("dead"))
                        if child.meta.get("dead"):
                            child.type, child.tag = "html_inline", ""
                            child.content = (
                                f'<span class="repo-file" title="{html.escape(child.meta["dead"])}'
                                ' (in the repository)">'
                            )
                    elif child.type == "link_close" and stack:
                        if stack.pop():
                            child.type, child.content = "html_inline", "</span>"

    def _heading_ids(self, tokens: list[Token]) -> None:
        """GitHub's anchors: the heading's text, slugged; repeats get -1, -2, ..."""
        seen: dict[str, int] = {}
        for i, tok in enumerate(tokens):
            if tok.type != "heading_open":
                continue
            inline = tokens[i + 1]
            text = "".join(
                c.content for c in inline.children or [] if c.type in ("text", "code_inline")
            )
            slug = github_slug(text)
            if slug in seen:
                seen[slug] += 1
                slug = f"{slug}-{seen[slug]}"
            else:
                seen[slug] = 0
            tok.attrSet("id", slug)
            self.headings.append((int(tok.tag[1]), slug, text))

    def render(self, markdown: str) -> str:
        markdown = EQ_ANCHOR_LINE.sub("", markdown)  # GitHub's anchors; the site puts ids on eqs
        env: dict = {}
        tokens = self.md.parse(markdown, env)
        self._heading_ids(tokens)
        self._fix_links(tokens)
        self._dead_links_to_text(tokens)
        # equation references inside link text must not become nested links
        for tok in tokens:
            for child in tok.children or []:
                if child.type == "text" and _inside_link(tok.children, child):
                    child.meta["in_link"] = True
        return self.md.renderer.render(tokens, self.md.options, env)


def _rule(method: Callable) -> Callable:
    def rule(renderer, tokens, idx, options, env):
        return method(tokens, idx, options, env)

    return rule


def _inside_link(children: list[Token], child: Token) -> bool:
    depth = 0
    for c in children:
        if c is child:
            return depth > 0
        if c.type == "link_open":
            depth += 1
        elif c.type == "link_close":
            depth -= 1
    return False
