"""The sections that issue 13 added to the docs, for the tests that check their numbers.

Not a test module.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def section(path: Path, start: str, end: str) -> str:
    """The text of ``path`` from the heading line starting with ``start`` up to ``end``."""
    text = path.read_text(encoding="utf-8")
    i = text.index(start)
    return text[i : text.index(end, i)]


def tutorial_sections() -> dict[str, str]:
    """Sections 9-11 of the English and the Japanese tutorial."""
    return {
        "en": section(DOCS / "tutorial.md", "## 9. ", "## Where next"),
        "ja": section(DOCS / "ja" / "tutorial.md", "## 9. ", "## 次に読むもの"),
    }


def bptt_section() -> str:
    """docs/bptt.md's section on vanishing gradients, clipping and truncated BPTT."""
    return section(DOCS / "bptt.md", "## Vanishing and exploding", "## Adam as Keras")


def assert_quoted(text: str, numbers: dict[str, str], keys: list[str], where: str) -> None:
    """Each of ``keys``'s formatted number occurs in ``text``."""
    missing = {k: numbers[k] for k in keys if numbers[k] not in text}
    assert not missing, f"{where} does not state these numbers as computed now: {missing}"
