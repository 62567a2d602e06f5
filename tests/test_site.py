"""The docs site in a real browser: headless Chromium (Debian's ``chromium``) via playwright.

The fixture builds the site from this checkout (``python -m scripts.build_docs
--quick``: the pages from docs/ as committed, the walkthrough executed with 2
epochs), so the test works on a clean clone.  Then every page of ``site/`` is
opened and checked:

* every internal link, and its ``#fragment``, resolves to an element;
* every equation link lands on rendered math (a MathML element with a size);
* no raw TeX (``$$``, ``\\frac``, ``\\tag``, ...) in the visible prose;
* no console error, page error or failed request (a missing image is one);
* the Japanese pages are in Japanese, drawn with a font that has Japanese glyphs.

Screenshots of the home page, the derivation and one annotated page are
saved under ``out/site/`` for a person to look at.  ``make test`` installs chromium
and the fonts (``scripts/system_deps.py``); in CI a skip is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from scripts import system_deps

#: The site build and the browser: the full suite only, not make test-quick.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "site"
CHROMIUM = system_deps.CHROMIUM
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RAW_TEX = re.compile(r"\$\$|\\(?:frac|tag|mathrm|sum|left|right|qquad|hat|sqrt|top)\b|\$[^$\s]")
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

#: Collected in the page: ids, links, equation targets, visible prose, Japanese text nodes.
COLLECT = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const links = [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.href, raw: a.getAttribute('href'), eq: a.classList.contains('eq')
                                                || /#eq-\\d+$/.test(a.getAttribute('href'))}));
  const eqs = {};
  for (const e of document.querySelectorAll('[id^="eq-"]')) {
    const m = e.tagName.toLowerCase() === 'math' ? e : e.querySelector('math');
    const box = m ? m.getBoundingClientRect() : null;
    eqs[e.id] = !!(m && box.width > 20 && box.height > 10 && m.querySelector('mi, mn, mo'));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const prose = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('pre, code, math, script, style')) continue;
    if (n.parentElement.getClientRects().length === 0) continue;
    prose.push(n.textContent);
  }
  const h1 = document.querySelector('h1');
  return {ids, links, eqs, prose: prose.join(' '), lang: document.documentElement.lang,
          title: h1 ? h1.textContent : ''};
}"""


def _chromium_missing() -> str | None:
    """Why the browser cannot run here (``make test`` installs what it can first)."""
    reason = system_deps.skip_reason()
    if reason:
        return reason
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built from this checkout into a temporary folder."""
    out = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"}
    run = subprocess.run(
        [sys.executable, "-m", "scripts.build_docs", "--quick", "--site", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    reason = _chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def visited(site, browser) -> dict[str, dict]:
    """Open every page once; what each showed, and every error it logged."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    results = {}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed request {r.url}"))
    for name in pages:
        errors.clear()
        page.goto((site / name).as_uri(), wait_until="load")
        info = page.evaluate(COLLECT)
        info["errors"] = list(errors)
        if info["lang"] == "ja":
            info["fonts"] = _fonts_of(page, "h1")
        results[name] = info
    page.close()
    return results


def _fonts_of(page, selector: str) -> list[str]:
    """The fonts Chromium actually drew an element's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [f["familyName"] for f in fonts if f["glyphCount"] > 0]


def _target(site: Path, href: str) -> tuple[str, str] | None:
    """(site-relative page, fragment) of a file:// link into the site, else None."""
    url = urlparse(href)
    if url.scheme != "file":
        return None
    path = Path(unquote(url.path))
    try:
        rel = path.relative_to(site).as_posix()
    except ValueError:
        return ("<outside the site>", path.as_posix())
    return rel, unquote(url.fragment)


def test_site_has_every_page(visited):
    names = set(visited)
    expected = {
        "index.html",
        "tutorial.html",
        "ja/tutorial.html",
        "bptt.html",
        "ja/bptt.html",
        "keras-mapping.html",
        "performance.html",
        "walkthrough.html",
        "code/index.html",
    }
    assert expected <= names, expected - names
    modules = {
        p.relative_to(ROOT / "numpy_seq2seq").with_suffix(".html").as_posix()
        for p in (ROOT / "numpy_seq2seq").rglob("*.py")
    }
    assert {f"code/{m}" for m in modules} <= names, "a module has no annotated page"


def test_every_internal_link_and_fragment_resolves(site, visited):
    broken = []
    checked = 0
    for name, info in visited.items():
        for link in info["links"]:
            target = _target(site, link["href"])
            if target is None:
                continue
            page, fragment = target
            checked += 1
            if not page.endswith(".html"):  # a figure or another file
                if not (site / page).is_file():
                    broken.append(f"{name}: {link['raw']} -> missing file {page}")
            elif page not in visited:
                broken.append(f"{name}: {link['raw']} -> missing page {page}")
            elif fragment and fragment not in visited[page]["ids"]:
                broken.append(f"{name}: {link['raw']} -> no element #{fragment} on {page}")
    assert checked > 500, checked  # the pages really are linked together
    assert not broken, "\n".join(broken)


def test_every_equation_link_lands_on_rendered_math(site, visited):
    eq_links = 0
    for name, info in visited.items():
        for link in info["links"]:
            if not link["eq"]:
                continue
            page, fragment = _target(site, link["href"])
            eq_links += 1
            assert visited[page]["eqs"].get(fragment), f"{name}: {link['raw']} is not rendered math"
    assert eq_links > 100, eq_links
    for derivation in ("bptt.html", "ja/bptt.html"):
        eqs = visited[derivation]["eqs"]
        assert sorted(eqs) == sorted(f"eq-{n}" for n in range(1, 17)), sorted(eqs)
        assert all(eqs.values())


def test_each_equation_links_back_to_the_code_that_cites_it(site, visited):
    """The derivation's equations (1)-(15) each link to at least one code line."""
    for derivation in ("bptt.html", "ja/bptt.html"):
        backlinks = {}
        for link in visited[derivation]["links"]:
            page, fragment = _target(site, link["href"])
            if page.startswith("code/") and re.fullmatch(r"L\d+", fragment or ""):
                backlinks.setdefault(page, []).append(fragment)
        assert backlinks, f"{derivation} links to no code line"
    html = (site / "bptt.html").read_text(encoding="utf-8")
    for n in range(1, 16):
        block = re.search(rf'id="eq-{n}".*?class="eq-uses">(.*?)</div>', html, re.S)
        assert block and 'href="code/' in block[1], f"eq. ({n}) links to no code"


def test_clicking_an_equation_number_in_the_code_scrolls_to_it(site, browser):
    """A learner's click: from the annotated backward pass to the rendered eq. (9)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    annotated = _annotated_page(site)
    page.goto(annotated.as_uri())
    link = page.locator('a.eq[href$="#eq-9"]').first
    link.click()
    page.wait_for_url(re.compile(r"bptt\.html#eq-9$"))
    box = page.locator("#eq-9 math").bounding_box()
    assert box and 0 <= box["y"] < 900 and box["height"] > 10  # on screen, not at the top
    page.close()


def test_no_raw_tex_in_visible_prose(visited):
    for name, info in visited.items():
        found = RAW_TEX.search(info["prose"])
        if found:
            context = info["prose"][max(found.start() - 60, 0) : found.end() + 60]
            raise AssertionError(f"{name}: raw TeX {found[0]!r} near {context!r}")


def test_no_page_logs_an_error(visited):
    bad = {name: info["errors"] for name, info in visited.items() if info["errors"]}
    assert not bad, bad


def test_japanese_pages_render_japanese(visited):
    ja_fonts = set(
        subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=True
        )
        .stdout.replace("\n", ",")
        .split(",")
    )
    ja_pages = [name for name, info in visited.items() if info["lang"] == "ja"]
    assert {"ja/bptt.html", "ja/tutorial.html"} <= set(ja_pages)
    assert all(name.startswith("ja/") for name in ja_pages)
    for name in ja_pages:
        info = visited[name]
        assert len(CJK.findall(info["prose"])) > 300, name
        assert CJK.search(info["title"]), info["title"]
        assert info["fonts"] and set(info["fonts"]) <= ja_fonts, (name, info["fonts"])


def _annotated_page(site: Path) -> Path:
    core = site / "code" / "core"
    candidates = sorted(core.glob("*rnn*.html")) if core.is_dir() else []
    return candidates[0] if candidates else site / "code" / "layers.html"


def test_screenshots_for_a_person(site, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    shots = {
        "home.png": (site / "index.html").as_uri(),
        "derivation.png": (site / "bptt.html").as_uri() + "#eq-9",
        "annotated.png": _annotated_page(site).as_uri(),
        "derivation_ja.png": (site / "ja" / "bptt.html").as_uri() + "#eq-13",
    }
    for name, url in shots.items():
        page.goto(url)
        if name == "annotated.png":  # the backward pass, where eq. (9) is cited
            line = page.locator('a.eq[href$="#eq-9"]').first.evaluate("a => a.closest('.sec').id")
            page.goto(f"{url}#{line}")
        page.screenshot(path=str(SHOTS / name))
        assert (SHOTS / name).stat().st_size > 20_000, name
    page.close()
    shutil.copytree(site, SHOTS / "site", dirs_exist_ok=True)  # the pages the test saw
