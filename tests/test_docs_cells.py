"""The cells' derivation pages (docs/gru.md, docs/lstm.md and their Japanese versions):
each labels its equations once, in order, with an anchor; every equation the code
cites exists; and every equation is cited by the code."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"G": ("gru.md", 12, "gru.py"), "L": ("lstm.md", 12, "lstm.py")}


def cited(text: str, letter: str) -> set[int]:
    """Numbers in "eq. (G4)", "eqs. (G8)-(G11)", "(L10); eq. (L11)"."""
    found = set()
    for a, b in re.findall(rf"\({letter}(\d+)\)(?:\s*[-–]\s*\({letter}(\d+)\))?", text):
        found.update(range(int(a), int(b or a) + 1))
    return found


def test_cited_parser():
    assert cited("eqs. (G2)-(G5) and eq. (G12); (L3)", "G") == {2, 3, 4, 5, 12}


@pytest.mark.parametrize("letter", PAGES)
@pytest.mark.parametrize("lang", ["", "ja/"])
def test_page_labels_its_equations_once_each_in_order(letter, lang):
    page, count, _ = PAGES[letter]
    text = (ROOT / "docs" / lang / page).read_text(encoding="utf-8")
    tags = re.findall(rf"\\tag\{{{letter}(\d+)\}}", text)
    assert [int(n) for n in tags] == list(range(1, count + 1))
    for n in range(1, count + 1):
        assert text.count(f'<a id="eq-{letter}{n}"></a>') == 1, f"({letter}{n}) anchor"


@pytest.mark.parametrize("letter", PAGES)
def test_the_code_cites_every_equation_and_only_existing_ones(letter):
    page, count, module = PAGES[letter]
    code = (ROOT / "numpy_seq2seq" / "core" / module).read_text(encoding="utf-8")
    assert cited(code, letter) == set(range(1, count + 1))
    for path in (ROOT / "numpy_seq2seq").rglob("*.py"):
        assert cited(path.read_text(encoding="utf-8"), letter) <= set(range(1, count + 1))
