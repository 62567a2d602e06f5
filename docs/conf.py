"""Sphinx configuration of the docs site (``make docs``; built into ``site/``).

Sphinx + MyST-NB + Furo do the parsing, the navigation, the search and the notebooks; the
one extension of ours, ``_ext/ns2s_site.py``, links equations and code both ways, writes the
annotated source pages, draws formulas as MathML at build time and adds the EN/JA switch.
``NS2S_DOCS_QUICK=1`` makes the executed notebooks quick (for tests): 2 training epochs in the
walkthrough and small timing runs on the numbers page.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
# The notebooks' kernels import this checkout's package and draw figures inline.
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if os.environ.get("NS2S_DOCS_QUICK"):
    os.environ["SEQ2SEQ_EPOCHS"] = "2"

project = "numpy-seq2seq"
language = "en"
extensions = ["myst_nb", "sphinx_copybutton", "ns2s_site"]
exclude_patterns = ["conf.py", "_ext", "_build", "README.md"]
root_doc = "index"

myst_enable_extensions = ["dollarmath"]
myst_dmath_double_inline = True
myst_heading_anchors = 4
suppress_warnings = ["myst.header"]

# Notebooks (jupytext percent .py files) run at every build; nothing is cached on disk.
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
nb_execution_mode = "force"
nb_execution_timeout = 1800
nb_execution_raise_on_error = True
nb_merge_streams = True

html_theme = "furo"
html_title = "numpy-seq2seq"
html_static_path = ["_ext/static"]
html_css_files = ["site.css"]
html_favicon = "_ext/static/favicon.svg"
html_math_renderer = "mathml"
html_copy_source = html_show_sourcelink = False
html_show_sphinx = False
# One index for both languages (English words, Japanese as character pairs: ns2s_site.py);
# no summaries, since fetching a page to quote it fails from file://.
html_show_search_summary = False
default_role = "code"
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
