"""The docs are tested like code.

* Every ``python`` block of the tutorials (and of ``docs/bptt.md``) runs, in
  order, in a fresh temporary folder.  Blocks tagged ``python keras`` show the
  seed's Keras lines and are not run.
* Every equation number cited in ``numpy_seq2seq/`` is labelled in
  ``docs/bptt.md``, which labels exactly (1)-(16) in order.
* ``docs/bptt.md``'s equations, transcribed literally, reproduce the code's
  loss and gradients; its claim about Adam's epsilon holds.
* The site extension's parts (sections, docstrings, equation references and uses) work;
  our own site code stays within 400 lines; every Markdown link and ``#fragment`` works on
  GitHub; the Japanese derivation has the English one's equations and code; numbers in prose
  are glue references to ``docs/computed.py``, the one mechanism.
  The built site itself is tested in Chromium by ``tests/test_site.py``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos
from numpy_seq2seq.gradcheck import relative_error
from scripts import docs_figures

ROOT = Path(__file__).resolve().parent.parent
# The Sphinx extension lives with the docs (docs/_ext/), not in a package: load it by path.
_spec = importlib.util.spec_from_file_location("ns2s_site", ROOT / "docs" / "_ext" / "ns2s_site.py")
ext = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ext)
DOCS = ROOT / "docs"
BPTT = DOCS / "bptt.md"
TUTORIALS = [DOCS / "tutorial.md", DOCS / "ja" / "tutorial.md"]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\s*$", re.S | re.M)


def code_blocks(path: Path) -> list[tuple[str, str]]:
    """(info string, code) of every fenced block in a Markdown file."""
    return [(m[1].strip(), m[2]) for m in FENCE.finditer(path.read_text(encoding="utf-8"))]


def python_blocks(path: Path) -> list[str]:
    return [code for info, code in code_blocks(path) if info == "python"]


def run_blocks(path: Path, tmp_path: Path, monkeypatch) -> dict:
    """Execute the file's python blocks in order, in one namespace, inside tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__docs__"}
    for k, code in enumerate(python_blocks(path)):
        try:
            exec(compile(code, f"{path.name}[block {k + 1}]", "exec"), namespace)
        except Exception as err:  # pragma: no cover - the message is the point
            raise AssertionError(f"{path}: python block {k + 1} failed:\n{code}") from err
    return namespace


# -- the tutorials run ------------------------------------------------------------
@pytest.mark.parametrize("path", TUTORIALS, ids=["en", "ja"])
def test_tutorial_code_blocks_run(path, tmp_path, monkeypatch):
    ns = run_blocks(path, tmp_path, monkeypatch)
    # The walk-through reached its end: the model trained, predicted and plotted.
    assert ns["model"].count_params() == 251
    assert len(ns["history"].history["loss"]) == 80
    assert ns["outputs"].shape == (4, 24, 1)
    assert (tmp_path / "tutorial_predictions.png").stat().st_size > 10_000


def test_readme_usage_block_runs(tmp_path, monkeypatch):
    ns = run_blocks(ROOT / "README.md", tmp_path, monkeypatch)
    assert ns["model"].count_params() == 251
    assert ns["history"].history["val_loss"][-1] < 0.02  # "about 0.01 or less", as it says
    assert ns["pred"].shape == (4, 24, 1)


def test_readme_error_messages_are_real():
    """The README's "Common mistakes" print what the code raises, word for word."""
    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    model = Seq2Seq(seed=0)
    keras_weights_hidden_9 = Seq2Seq(hidden=9).get_weights()  # a Keras model's, same layout
    raised = []
    for call in (
        lambda: model.fit([ex[..., 0], dx], dy),
        lambda: model.set_weights(keras_weights_hidden_9),
    ):
        with pytest.raises(ValueError) as err:
            call()
        raised.append(f"ValueError: {err.value}")
    printed = re.findall(r"^    (ValueError: .*)$", (ROOT / "README.md").read_text("utf-8"), re.M)
    assert printed == raised


def test_readme_links_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([\w/.-]+\.(?:md|png|html))\)", text)
    assert len(links) >= 5
    for link in links:
        assert (ROOT / link).exists(), f"README links to missing {link}"


def test_both_tutorials_run_the_same_code():
    """The Japanese tutorial has the same code blocks as the English one (comments aside)."""

    def strip_comments(code: str) -> str:
        lines = [re.sub(r"\s*#.*$", "", ln) for ln in code.splitlines()]
        lines = [re.sub(r'""".*?"""', '""""""', ln) for ln in lines]
        return "\n".join(ln for ln in lines if ln.strip())

    en, ja = (code_blocks(p) for p in TUTORIALS)
    kind = [re.sub(r"^\{index\}.*", "{index}", i) for i, _ in en]  # index terms are translated
    assert kind == [re.sub(r"^\{index\}.*", "{index}", i) for i, _ in ja]
    for (info, a), (_, b) in zip(en, ja):
        if info.startswith("python"):
            assert strip_comments(a) == strip_comments(b)


def test_tutorials_show_keras_lines_and_every_figure():
    for path in TUTORIALS:
        text = path.read_text(encoding="utf-8")
        infos = [info for info, _ in code_blocks(path)]
        assert infos.count("python keras") >= 6, f"{path}: one Keras block per seed step"
        for name in re.findall(r"\(((?:\.\./)?figures/[\w.]+\.png)\)", text):
            assert (path.parent / name).is_file(), f"{path} shows missing figure {name}"
        for link in re.findall(r"\]\(((?:\.\./)?[\w/.-]+\.(?:md|html))\)", text):
            assert (path.parent / link).exists(), f"{path} links to missing {link}"


def test_bptt_code_block_runs(tmp_path, monkeypatch):
    ns = run_blocks(BPTT, tmp_path, monkeypatch)
    assert ns["keras_step"].shape == (10, 10)


# -- equation numbers ---------------------------------------------------------------
def bptt_labels() -> list[int]:
    return [int(n) for n in re.findall(r"\\tag\{(\d+)\}", BPTT.read_text(encoding="utf-8"))]


def cited_equations(text: str) -> set[int]:
    """Numbers in "eq. (9)", "eqs. (8)-(12)", "eqs. (5), (6)", "Equation numbers (1)-(12)"."""
    return {int(eq) for eq in ext.cites(text) if eq.isdigit()}


def test_cited_equations_parser():
    text = "eq. (9) and eqs. (8)-(12); Eqs. (5), (6); Equation numbers (1)-(3); eqs. (14)–(16)"
    assert cited_equations(text) == {1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 14, 15, 16}
    families = "eqs. (G8)-(G10), eq. (L6), 式 (A2) and eqs. (G3), (4)"
    assert ext.cites(families) == ["G8", "G9", "G10", "L6", "A2", "G3", "4"]


def test_each_family_is_one_line_and_derived_on_its_page():
    assert ext.FAMILIES == {"": "bptt", "G": "gru", "L": "lstm", "A": "attention"}
    for family, page in ext.FAMILIES.items():
        if (DOCS / f"{page}.md").exists():
            text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
            assert re.search(rf"\\tag\{{{family}1\}}", text), page
    assert ext.eq_page("G3", "ja/tutorial", {"ja/gru"}) == "ja/gru"
    assert ext.eq_page("G3", "tutorial", {"ja/gru"}) == "gru"
    assert ext.eq_page("9", "ja/lstm", set()) == "bptt"  # no Japanese page: the English one


def test_bptt_labels_equations_1_to_16_once_each_in_order():
    labels = bptt_labels()
    assert labels[:16] == list(range(1, 17))
    assert len(labels) == len(set(labels)) and labels == sorted(labels)
    text = BPTT.read_text(encoding="utf-8")
    for n in labels:
        assert f'<a id="eq-{n}"></a>' in text, f"eq. ({n}) has no anchor for links"


def test_every_equation_cited_in_the_source_exists_in_bptt():
    labels = set(bptt_labels())
    cited = {}
    for path in sorted((ROOT / "numpy_seq2seq").rglob("*.py")):
        for n in cited_equations(path.read_text(encoding="utf-8")):
            cited.setdefault(n, []).append(path.name)
    assert cited, "the source cites no equations at all"
    missing = {n: files for n, files in cited.items() if n not in labels}
    assert not missing, f"cited in the source but not labelled in docs/bptt.md: {missing}"
    # and the derivation's core equations are each cited somewhere in the code
    assert set(range(1, 16)) <= set(cited), sorted(set(range(1, 16)) - set(cited))


def test_tutorials_cite_only_existing_equations():
    labels = set(bptt_labels())
    for path in TUTORIALS:
        text = path.read_text(encoding="utf-8")
        text = text.replace("式 (", "eq. (").replace("式(", "eq. (")
        assert cited_equations(text) <= labels


# -- the derivation reproduces the code ---------------------------------------------
def bptt_as_written(weights, ex, dx, dy):
    """docs/bptt.md (1)-(13), transcribed step by step with t = 1..T; returns loss, 8 grads."""
    We, Ue, be, Wd, Ud, bd, V, bo = weights
    N, T, _ = ex.shape
    O = dy.shape[2]  # noqa: E741 -- the derivation's name for the output size
    H = Ue.shape[0]

    def rnn_forward(xs, W, U, b, h0):
        h = {0: h0}
        for t in range(1, T + 1):
            a_t = xs[:, t - 1] @ W + b  # (1)
            h[t] = np.tanh(a_t + h[t - 1] @ U)  # (2)
        return h

    he = rnn_forward(ex, We, Ue, be, np.zeros((N, H)))
    h_ctx = he[T]  # (3)
    hd = rnn_forward(dx, Wd, Ud, bd, h_ctx)
    y = {t: hd[t] @ V + bo for t in range(1, T + 1)}  # (4)
    L = sum(np.sum((y[t] - dy[:, t - 1]) ** 2) for t in range(1, T + 1)) / (N * T * O)  # (5)
    d_y = {t: 2 * (y[t] - dy[:, t - 1]) / (N * T * O) for t in range(1, T + 1)}  # (6)
    dV = sum(hd[t].T @ d_y[t] for t in range(1, T + 1))  # (7)
    dbo = sum(d_y[t].sum(axis=0) for t in range(1, T + 1))
    dh_up = {t: d_y[t] @ V.T for t in range(1, T + 1)}

    def rnn_backward(xs, h, W, U, dh_up, dh_right):
        dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0])
        for t in range(T, 0, -1):
            dh_t = dh_up[t] + dh_right  # (8)
            dz_t = dh_t * (1 - h[t] * h[t])  # (9)
            dh_right = dz_t @ U.T  # (10)
            dW += xs[:, t - 1].T @ dz_t  # (11)
            dU += h[t - 1].T @ dz_t
            db += dz_t.sum(axis=0)
            _ = dz_t @ W.T  # (12), the input gradient, unused for data inputs
        return dW, dU, db, dh_right

    dWd, dUd, dbd, dh_ctx = rnn_backward(dx, hd, Wd, Ud, dh_up, np.zeros((N, H)))
    zeros = {t: np.zeros((N, H)) for t in range(1, T + 1)}
    dWe, dUe, dbe, _ = rnn_backward(ex, he, We, Ue, zeros, dh_ctx)  # (13)
    return L, [dWe, dUe, dbe, dWd, dUd, dbd, dV, dbo]


def test_bptt_derivation_reproduces_the_code():
    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    rng = np.random.default_rng(7)
    idx = rng.choice(len(ex), size=5, replace=False)
    model = Seq2Seq(dtype="float64", seed=3)
    # non-zero biases, so that every term of (1)-(13) matters
    model.set_weights([w + 0.1 * rng.standard_normal(w.shape) for w in model.get_weights()])
    loss, grads = model.loss_and_grads(ex[idx], dx[idx], dy[idx])
    doc_loss, doc_grads = bptt_as_written(model.get_weights(), ex[idx], dx[idx], dy[idx])
    assert loss == pytest.approx(doc_loss, rel=1e-12)
    assert abs(loss - doc_loss) <= 1e-12  # the float64 cross-check tolerance
    for g, d in zip(grads, doc_grads):
        assert np.abs(d).max() > 0
        assert relative_error(g, d) <= 1e-10  # as the gradients against Keras
        np.testing.assert_allclose(g, d, rtol=1e-9, atol=1e-15)


def test_adam_keras_form_is_paper_form_with_eps_hat():
    """bptt.md: (14)-(15) equal (16) when the paper's epsilon is eps / sqrt(1 - beta_2^k),
    and numpy_seq2seq's Adam computes (14)-(15)."""
    from numpy_seq2seq import Adam

    rng = np.random.default_rng(0)
    p0 = rng.standard_normal((4, 5))
    grads = [rng.standard_normal((4, 5)) * 10.0 ** rng.uniform(-7, 0, (4, 5)) for _ in range(30)]
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
    # In the powers beta^k Keras (on TensorFlow) uses float32-rounded betas even for float64
    # weights; numpy_seq2seq copies that (see core/adam.py and keras-mapping.md).
    b1k, b2k = float(np.float32(b1)), float(np.float32(b2))
    code = Adam()
    p_code, p_keras, p_paper = p0.copy(), p0.copy(), p0.copy()
    m, v, m_p, v_p = (np.zeros_like(p0) for _ in range(4))
    for k, g in enumerate(grads, start=1):
        code.apply([p_code], [g])
        m += (g - m) * (1 - b1)  # (14)
        v += (g * g - v) * (1 - b2)
        alpha = lr * np.sqrt(1 - b2k**k) / (1 - b1k**k)  # (15)
        p_keras -= alpha * m / (np.sqrt(v) + eps)
        m_p = b1 * m_p + (1 - b1) * g  # (16), with the paper's epsilon = eps / sqrt(1 - b2^k)
        v_p = b2 * v_p + (1 - b2) * g * g
        m_hat, v_hat = m_p / (1 - b1k**k), v_p / (1 - b2k**k)
        p_paper -= lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2k**k))
        np.testing.assert_allclose(p_keras, p_paper, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(p_code, p_keras, rtol=1e-12, atol=1e-15)
    assert np.abs(p_keras - p0).max() > 1e-3  # the weights did move


# -- the site's extension (the browser test, tests/test_site.py, checks the built pages) --------
def test_sections_put_docstrings_beside_their_def():
    source = '''"""Module doc."""

import os


# -- part one --
def f(x):
    """Eq. (9): doubles."""
    # a comment
    return 2 * x
'''
    secs = [(notes.strip(), code) for notes, code in ext.sections(source)]
    assert secs == [
        ("Module doc.", [3]),
        ("**part one**", []),
        ("Eq. (9): doubles.", [7]),
        ("a comment", [10]),
    ]


def test_numpydoc_sections_become_restructuredtext_fields():
    text = '''def f(x, y):
    """Sum.

    Parameters
    ----------
    x : array
        the input
    y : int
    """
'''
    notes = ext.sections(text)[0][0]
    assert ":param x: the input" in notes and ":type x: array" in notes, notes
    assert "----" not in notes  # no section title inside a page


def test_every_module_is_found_core_first():
    names = ext.modules()
    on_disk = {
        p.relative_to(ROOT / "numpy_seq2seq").with_suffix("").as_posix()
        for p in (ROOT / "numpy_seq2seq").rglob("*.py")
    }
    assert set(names) == on_disk and len(names) == len(on_disk)
    kinds = [n.startswith("core/") for n in names]
    assert kinds == sorted(kinds, reverse=True)  # every core module before the shell
    assert names[:2] == ["core/__init__", "core/simple_rnn"]


def test_equation_uses_point_at_lines_that_cite_the_equation():
    uses = ext.equation_uses(ext.modules())
    assert {str(n) for n in range(1, 16)} <= set(uses)
    # every family the core cites has backlinks: the cells' (Gn) and (Ln) too
    assert {f"G{n}" for n in (3, 5, 8)} <= set(uses), sorted(uses)
    assert {f"L{n}" for n in (2, 4, 6)} <= set(uses), sorted(uses)
    for eq, entries in uses.items():
        for page, line in entries:
            module = ROOT / "numpy_seq2seq" / f"{page.removeprefix('code/')}.py"
            text = module.read_text(encoding="utf-8").splitlines()
            assert 1 <= line <= len(text) and text[line - 1].strip(), (eq, page, line)


def test_code_comments_link_to_their_family_page():
    rst = ext.annotated_rst("core/lstm")
    assert 'href="../../lstm.html#eq-L4"' in rst
    rst = ext.annotated_rst("core/simple_rnn")
    assert 'href="../../bptt.html#eq-9"' in rst and re.search(r'class="line" id="L\d+"', rst)


#: Our own site code: the extension, its stylesheet, conf.py (figure scripts and notebooks
#: are content).  Issue 19 caps it at 400 lines.
SITE_CODE = [
    "docs/conf.py",
    "docs/_ext/ns2s_site.py",
    "docs/_ext/static/site.css",
    "docs/_ext/static/favicon.svg",
]


def test_our_site_code_is_at_most_400_lines():
    found = {
        p.relative_to(ROOT).as_posix()
        for p in [*(DOCS / "_ext").rglob("*"), *DOCS.glob("_templates/**/*"), DOCS / "conf.py"]
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert found == set(SITE_CODE), found  # a new file of site code is counted here
    lines = sum(len((ROOT / p).read_text(encoding="utf-8").splitlines()) for p in SITE_CODE)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^docs:.*?(?=^\S|\Z)", makefile, re.S | re.M)[0]
    lines += len(target.strip().splitlines())  # the build "script" is the Makefile target
    assert lines <= 400, lines


def test_old_generator_is_gone():
    for name in ("site_build", "site_markdown", "annotate", "site_walkthrough", "site_numbers",
                 "worked_example", "build_docs"):  # fmt: skip
        assert not (ROOT / "scripts" / f"{name}.py").exists(), name


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces -> '-'."""
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def test_github_slugs():
    assert github_slug("Forward pass (1)–(4)") == "forward-pass-14"
    assert github_slug("The encoder's gradient comes only through the context (13)") == (
        "the-encoders-gradient-comes-only-through-the-context-13"
    )
    assert github_slug("Keras が計算する Adam (14)–(16)") == "keras-が計算する-adam-1416"


MARKDOWN = sorted([ROOT / "README.md", *DOCS.glob("*.md"), *DOCS.glob("ja/*.md")])


def headings(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings, plus explicit <a id=...>."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    slugs, seen = set(), {}
    for title in re.findall(r"^#{1,6} (.+)$", text, re.M):
        slug = github_slug(re.sub(r"[`*]", "", title))
        seen[slug] = seen.get(slug, -1) + 1
        slugs.add(slug if seen[slug] == 0 else f"{slug}-{seen[slug]}")
    return slugs | set(re.findall(r'<a id="([^"]+)"></a>', text))


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_markdown_links_work_on_github(path):
    """Every relative link points at a file of the repository, and every #fragment at a
    heading as GitHub's slugger names it (or an explicit anchor)."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, fragment = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        assert dest.exists(), f"{path.name}: link to missing {target}"
        assert dest.is_relative_to(ROOT), f"{path.name}: {target} leaves the repository"
        if fragment:
            assert fragment in headings(dest), f"{path.name}: no heading for #{fragment}"


def test_japanese_derivation_has_the_same_equations_and_code():
    en, ja = BPTT.read_text(encoding="utf-8"), (DOCS / "ja" / "bptt.md").read_text("utf-8")
    assert re.findall(r"\$\$.*?\$\$", en, re.S) == re.findall(r"\$\$.*?\$\$", ja, re.S)
    strip = [re.sub(r"\s*#.*$", "", ln) for ln in python_blocks(BPTT)[0].splitlines()]
    strip_ja = [
        re.sub(r"\s*#.*$", "", ln) for ln in python_blocks(DOCS / "ja" / "bptt.md")[0].splitlines()
    ]
    assert strip == strip_ja
    assert len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", ja)) > 3000  # a translation


def test_japanese_bptt_code_block_runs(tmp_path, monkeypatch):
    ns = run_blocks(DOCS / "ja" / "bptt.md", tmp_path, monkeypatch)
    assert ns["keras_step"].shape == (10, 10)


# -- numbers made by the code: glue references to docs/computed.py, executed at build ---------
GLUE = re.compile(r"\{glue:text\}`([^`]*)`")


def test_numbers_in_prose_come_from_one_mechanism():
    """No ``gen:`` markers are left; every pasted number is a glue reference to the notebook
    ``docs/computed.py`` (the build fails on a name it does not glue: tests/test_site.py)."""
    refs = []
    for path in MARKDOWN:
        text = path.read_text(encoding="utf-8")
        assert "<!-- gen:" not in text, path
        for ref in GLUE.findall(text):
            assert re.fullmatch(r"/computed\.py::\w+:s", ref), (path.name, ref)
            refs.append(ref)
    assert len(refs) >= 60, len(refs)


def test_makefile_docs_target_builds_the_site():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^docs:.*?(?=^\S|\Z)", text, re.S | re.M)
    assert target and "scripts.docs_figures" in target[0] and "sphinx" in target[0]
    assert docs_figures.figure_commands(1, Path("x"))  # the commands exist and are importable
