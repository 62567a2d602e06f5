"""The sections that issue 13 added to the docs, for the tests that check their numbers.

Not a test module.  The numbers in those sections are glue references to the notebook
``docs/computed.py``, which pastes ``scripts/exposure_bias.py``'s and ``scripts/vanishing.py``'s
``quoted()`` numbers under the names :func:`glue_name` gives them.
"""

import re
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


def glue_name(prefix: str, label: str) -> str:
    """The name docs/computed.py glues a quoted number under:
    ("van", "before mean tanh', seed 0") -> "van_before_mean_tanh_seed_0"."""
    return prefix + "_" + "_".join("".join(c if c.isalnum() else " " for c in label).split())


def assert_pasted(text: str, prefix: str, labels: list[str], where: str) -> set[str]:
    """Each of ``labels`` is pasted into ``text`` by a glue reference (no number typed by hand),
    and every glue reference with this prefix names a number the script quotes."""
    pasted = set(re.findall(rf"\{{glue:text\}}`/computed\.py::({prefix}_\w+):s`", text))
    missing = {label for label in labels if glue_name(prefix, label) not in pasted}
    assert not missing, f"{where} does not paste these numbers: {missing}"
    return pasted
