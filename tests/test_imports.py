"""numpy_seq2seq needs NumPy alone; TensorFlow stays in reference_keras."""

import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "numpy_seq2seq"


def test_importing_numpy_seq2seq_loads_neither_tensorflow_nor_matplotlib():
    code = (
        "import sys, numpy_seq2seq, numpy_seq2seq.data, numpy_seq2seq.model, "
        "numpy_seq2seq.io, numpy_seq2seq.gradcheck, numpy_seq2seq.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', "
        "'matplotlib', 'reference_keras')]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_source_file_names_tensorflow():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert "import tensorflow" not in text and "from tensorflow" not in text, path
        assert "import reference_keras" not in text and "from reference_keras" not in text, path
