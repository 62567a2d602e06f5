"""docs/attention.md: it labels (A1)-(A15) once each, in order, with an anchor; the code
cites every one of them, and nothing cites an equation that does not exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "attention.md"
COUNT = 15


def cited(text: str) -> set[int]:
    """Numbers in "eq. (A4)", "eqs. (A8)-(A13)", "(A11)-(A12)"."""
    found = set()
    for a, b in re.findall(r"\(A(\d+)\)(?:\s*[-–]\s*\(A(\d+)\))?", text):
        found.update(range(int(a), int(b or a) + 1))
    return found


def test_cited_parser():
    assert cited("eqs. (A2)-(A5) and eq. (A12); (A3)") == {2, 3, 4, 5, 12}


def test_page_labels_its_equations_once_each_in_order():
    text = PAGE.read_text(encoding="utf-8")
    tags = re.findall(r"\\tag\{A(\d+)\}", text)
    assert [int(n) for n in tags] == list(range(1, COUNT + 1))
    for n in range(1, COUNT + 1):
        assert text.count(f'<a id="eq-A{n}"></a>') == 1, f"(A{n}) anchor"


def test_the_code_cites_every_equation_and_only_existing_ones():
    core = ROOT / "numpy_seq2seq" / "core"
    code = (core / "attention.py").read_text(encoding="utf-8")
    code += (core / "seq2seq.py").read_text(encoding="utf-8")
    assert cited(code) == set(range(1, COUNT + 1))
    for path in (ROOT / "numpy_seq2seq").rglob("*.py"):
        assert cited(path.read_text(encoding="utf-8")) <= set(range(1, COUNT + 1)), path
