"""The docs site in a real browser: headless Chromium (Debian's ``chromium``) via playwright.

The site is built ONCE per test session from this checkout (Sphinx on ``docs/``, the notebooks
executed quickly: ``NS2S_DOCS_QUICK=1``), so the test works on a clean clone; every test that
reads it is in the xdist group "site".  The build must log no warning.  Every page is opened
from ``file://`` and checked:

* every internal link, and its ``#fragment``, resolves to an element;
* every equation link lands on rendered math (a MathML element with a size), for every family,
  and each equation cited by the code links back to the code lines that cite it;
* no raw TeX (``$$``, ``\\frac``, ``\\tag``, ...) and no unrendered glue role in visible prose;
* no console error, page error or failed request (a missing image is one);
* the Japanese pages are in Japanese, drawn with a font that has Japanese glyphs.

And the reader's features: the offline search finds "teacher forcing" and "教師強制" on the
right pages; the EN/JA switch leads to the same page in the other language; previous/next
links; a copy button on code blocks that copies the code; the site over HTTP as well.
Screenshots (Japanese among them) are saved under ``out/site/`` for a person to look at.
``make test`` installs chromium and the fonts (``scripts/system_deps.py``); in CI a skip is
a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import pytest

from scripts import system_deps

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
TWINS = ["tutorial", "bptt", "worked_example", "gru", "lstm", "attention", "exercises"]
site_test = [pytest.mark.slow, pytest.mark.xdist_group("site")]
pytestmark = site_test

#: Collected in the page: ids, links, equation targets, visible prose, Japanese text nodes.
COLLECT = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const links = [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.href, raw: a.getAttribute('href'),
    eq: a.classList.contains('eq') || /#eq-[A-Z]?\\d+$/.test(a.getAttribute('href'))}));
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
          title: h1 ? h1.textContent : '',
          wide: document.documentElement.scrollWidth > window.innerWidth + 1,
          clipped: [...document.querySelectorAll('.equation')].filter(
            e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 50))};
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


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, str, float]:
    """The site, built once from this checkout: (folder, Sphinx's log, seconds it took)."""
    out = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "NS2S_DOCS_QUICK": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", "docs", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return out, run.stderr, time.perf_counter() - start


@pytest.fixture(scope="session")
def site(built) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def browser():
    reason = _chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # a request cut short because the test moved on (net::ERR_ABORTED) is not the site's fault
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else errors.append(f"{r.url} failed"),
    )
    return errors


@pytest.fixture(scope="session")
def visited(site, browser) -> dict[str, dict]:
    """Open every page once; what each showed, and every error it logged."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    results = {}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = _watch(page)
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


def _page(site: Path, url: str) -> str:
    return Path(unquote(urlparse(url).path)).relative_to(site).as_posix()


def test_the_build_logs_no_warning(built):
    _, log, seconds = built
    problems = [ln for ln in log.splitlines() if re.search(r"(WARNING|ERROR|CRITICAL):", ln)]
    assert not problems, "\n".join(problems)  # glue names, links, notebooks, reST in docstrings
    print(f"site built in {seconds:.0f} s")


def test_site_has_every_page(visited):
    names = set(visited)
    expected = {"index.html", "search.html", "walkthrough.html", "computed.html"}
    expected |= {"keras-mapping.html", "performance.html", "code/index.html"}
    expected |= {f"{p}.html" for p in TWINS} | {f"ja/{p}.html" for p in TWINS}
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
    assert checked > 2000, checked  # the pages really are linked together
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
    assert eq_links > 250, eq_links
    families = {"bptt": ("", 16), "gru": ("G", 12), "lstm": ("L", 12)}
    for page, (family, count) in families.items():
        for derivation in (f"{page}.html", f"ja/{page}.html"):
            eqs = visited[derivation]["eqs"]
            assert sorted(eqs) == sorted(f"eq-{family}{n}" for n in range(1, count + 1)), eqs
            assert all(eqs.values()), derivation


def test_each_equation_links_back_to_the_code_that_cites_it(site, visited):
    """Every family: each equation the code cites lists links to those lines, on the English
    and the Japanese derivation; and the code's citations link to the family's own page."""
    for page in ("bptt", "gru", "lstm"):
        for derivation in (f"{page}.html", f"ja/{page}.html"):
            html = (site / derivation).read_text(encoding="utf-8")
            blocks = re.findall(r'id="eq-([A-Z]?\d+)".*?class="eq-uses">(.*?)</div>', html, re.S)
            linked = {eq for eq, uses in blocks if re.search(r'href="[./]*code/[^"]+#L\d+"', uses)}
            assert len(linked) >= 6, (derivation, sorted(linked))
            if page == "bptt":
                assert {str(n) for n in range(1, 16)} <= linked, sorted(linked)
    for annotated, family_page in [("core/gru", "gru"), ("core/lstm", "lstm")]:
        links = [ln["raw"] for ln in visited[f"code/{annotated}.html"]["links"] if ln["eq"]]
        assert any(f"{family_page}.html#eq-" in raw for raw in links), (annotated, links[:5])


def test_annotated_pages_draw_the_equations_they_cite(site, browser):
    """Beside each section's notes, the equations it cites, drawn, each a link to its
    derivation: every family (n), (Gn), (Ln), (An)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for module, eqs in {
        "core/simple_rnn": ("eq-1", "eq-9", "eq-12"),
        "core/gru": ("eq-G1", "eq-G11"),
        "core/lstm": ("eq-L1", "eq-L6"),
        "core/attention": ("eq-A4", "eq-A10", "eq-A13"),
    }.items():
        page.goto((site / "code" / f"{module}.html").as_uri())
        cards = page.locator("section.sec .notes a.eqcard").all()
        hrefs = {c.get_attribute("href").partition("#")[2] for c in cards}
        assert set(eqs) <= hrefs, (module, sorted(hrefs))
        for card in cards:
            box = card.locator("math").bounding_box()
            assert box and box["width"] > 20 and box["height"] > 10, card.inner_text()
    page.close()


def test_clicking_an_equation_number_in_the_code_scrolls_to_it(site, browser):
    """A learner's click: from the annotated backward pass to the rendered eq. (9), and from
    the LSTM's code to eq. (L4)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for module, eq, derivation in [("simple_rnn", "9", "bptt"), ("lstm", "L4", "lstm")]:
        page.goto((site / "code" / "core" / f"{module}.html").as_uri())
        page.locator(f'a.eq[href$="#eq-{eq}"]').first.click()
        page.wait_for_url(re.compile(rf"{derivation}\.html#eq-{eq}$"), wait_until="load")
        on_screen = f"""() => {{ const m = document.querySelector('[id="eq-{eq}"] math');
            const b = m && m.getBoundingClientRect(); return !!b && b.top >= 0 && b.top < 900; }}"""
        page.wait_for_function(on_screen, timeout=5000)  # scrolled there once laid out
        box = page.locator(f'[id="eq-{eq}"] math').bounding_box()
        assert box and 0 <= box["y"] < 900 and box["height"] > 10  # on screen
        back = page.locator(f'[id="eq-{eq}"] .eq-uses a').first
        back.click()  # ... and back to a code line that cites it
        page.wait_for_load_state("load")
        line = urlparse(page.url).fragment
        assert re.fullmatch(r"L\d+", line) and page.locator(f'[id="{line}"]').is_visible()
    page.close()


def test_no_raw_tex_or_glue_in_visible_prose(visited):
    for name, info in visited.items():
        found = RAW_TEX.search(info["prose"]) or re.search(r"\{glue", info["prose"])
        if found:
            context = info["prose"][max(found.start() - 60, 0) : found.end() + 60]
            raise AssertionError(f"{name}: raw markup {found[0]!r} near {context!r}")


def test_no_page_logs_an_error_or_spills_sideways(visited):
    bad = {name: info["errors"] for name, info in visited.items() if info["errors"]}
    assert not bad, bad
    wide = [name for name, info in visited.items() if info["wide"]]
    assert not wide, f"wider than the window: {wide}"
    clipped = {name: info["clipped"] for name, info in visited.items() if info["clipped"]}
    assert not clipped, f"equations wider than the text column: {clipped}"


def test_japanese_pages_render_japanese(visited):
    ja_fonts = set(
        subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=True
        )
        .stdout.replace("\n", ",")
        .split(",")
    )
    ja_pages = [name for name, info in visited.items() if info["lang"] == "ja"]
    assert {f"ja/{p}.html" for p in TWINS} <= set(ja_pages)
    assert all(name.startswith("ja/") for name in ja_pages)
    for name in ja_pages:
        info = visited[name]
        assert len(CJK.findall(info["prose"])) > 300, name
        assert CJK.search(info["title"]), info["title"]
        assert info["fonts"] and set(info["fonts"]) <= ja_fonts, (name, info["fonts"])


def _search(page, base: str, query: str) -> list[str]:
    page.goto(f"{base}/search.html?q={quote(query)}")
    page.wait_for_selector("ul.search li a", timeout=30_000)
    page.wait_for_function("() => !document.querySelector('#search-progress')?.textContent"
                           ".includes('Preparing')", timeout=30_000)  # fmt: skip
    return [a.get_attribute("href") for a in page.locator("ul.search li a").all()]


def test_search_finds_each_language_on_the_right_page(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = _watch(page)
    english = [h.split("#")[0] for h in _search(page, site.as_uri(), "teacher forcing")]
    assert english[0] == "tutorial.html", english  # the page that teaches it (its index entry)
    assert not any(h.startswith("ja/") for h in english[:5]), english
    page.locator('ul.search li a[href^="tutorial.html"]').first.click()
    assert _page(site, page.url) == "tutorial.html"
    assert "teacher forcing" in page.locator("article").inner_text()
    japanese = [h.split("#")[0] for h in _search(page, site.as_uri(), "教師強制")]
    assert japanese[0] == "ja/tutorial.html", japanese
    assert all(h.startswith("ja/") for h in japanese), japanese
    page.screenshot(path=str(_shots() / "search_ja.png"))
    page.locator("ul.search li a").first.click()
    assert "教師強制" in page.locator("article").inner_text()
    assert not errors, errors
    page.close()


def test_the_language_switch_leads_to_the_same_page(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for name in TWINS:
        page.goto((site / f"{name}.html").as_uri())
        page.locator("a.lang-switch").click()
        assert _page(site, page.url) == f"ja/{name}.html"
        assert page.evaluate("document.documentElement.lang") == "ja"
        page.locator("a.lang-switch").click()
        assert _page(site, page.url) == f"{name}.html"
    page.goto((site / "keras-mapping.html").as_uri())  # English only: no switch
    assert page.locator("a.lang-switch").count() == 0
    page.close()


def test_previous_and_next_links_walk_the_pages(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / "tutorial.html").as_uri())
    page.locator("a.next-page").click()
    assert _page(site, page.url) == "bptt.html"
    page.locator("a.prev-page").click()
    assert _page(site, page.url) == "tutorial.html"
    page.goto((site / "ja" / "tutorial.html").as_uri())
    page.locator("a.next-page").click()
    assert _page(site, page.url) == "ja/bptt.html"
    page.close()


@pytest.fixture(scope="session")
def http_site(site):
    """The same folder served over HTTP on a free local port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_over_http_and_the_copy_button_copies_the_code(http_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=http_site)
    page = context.new_page()
    errors = _watch(page)
    for name in ["index.html", "ja/bptt.html", "walkthrough.html", "code/core/lstm.html"]:
        page.goto(f"{http_site}/{name}", wait_until="load")
    assert "ja/tutorial.html" == _search(page, http_site, "教師強制")[0].split("#")[0]
    page.goto(f"{http_site}/tutorial.html", wait_until="load")
    blocks = page.locator("div.highlight")
    assert blocks.count() > 10 and page.locator("button.copybtn").count() == blocks.count()
    block = blocks.nth(2)
    block.hover()
    block.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() and copied.strip() == block.locator("pre").inner_text().strip()
    assert not errors, errors
    context.close()


def test_the_notebooks_ran_and_their_numbers_are_pasted(site, visited):
    walk = (site / "walkthrough.html").read_text(encoding="utf-8")
    assert "NumPy: 2 epochs in" in walk and walk.count("<img") >= 3  # outputs and figures
    for name in ("worked_example.html", "ja/worked_example.html"):
        text = visited[name]["prose"] + (site / name).read_text(encoding="utf-8")
        assert "1.3689153645" in text and "largest" in text or "最大" in text, name
    html = (site / "tutorial.html").read_text(encoding="utf-8")
    pasted = re.findall(r'class="pasted-text">([^<]*)<', html)
    assert len(pasted) >= 20 and all(re.search(r"\d", p) for p in pasted), pasted


def _shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def test_screenshots_for_a_person(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    shots = {
        "home.png": site / "index.html",
        "derivation.png": site / "bptt.html",
        "annotated.png": site / "code" / "core" / "simple_rnn.html",
        "derivation_ja.png": site / "ja" / "bptt.html",
        "tutorial_ja.png": site / "ja" / "tutorial.html",
        "lstm_ja.png": site / "ja" / "lstm.html",
    }
    for name, path in shots.items():
        page.goto(path.as_uri())
        if name == "annotated.png":  # the backward pass, where eq. (9) is cited
            page.locator('a.eq[href$="#eq-9"]').last.scroll_into_view_if_needed()
        if name == "derivation.png":
            page.locator('[id="eq-9"]').scroll_into_view_if_needed()
        page.screenshot(path=str(_shots() / name))
        assert (SHOTS / name).stat().st_size > 20_000, name
    page.close()
    shutil.copytree(site, SHOTS / "site", dirs_exist_ok=True)  # the pages the test saw
