"""Every pointer from the docs into the code resolves, and every quoted line is the code's.

The pages are ``README.md`` and ``docs/**/*.md``.  What counts as a pointer (inline code
spans, i.e. text between backticks, outside fenced blocks unless said otherwise):

1. **A name of ours**: a dotted name (the span, or its part before a ``(``) whose first part
   our code defines at module level -- a package (``numpy_seq2seq``, ``reference_keras``,
   ``scripts``), a module of ``tests/`` (``keras_helpers``), or a class, function or constant
   of ``numpy_seq2seq`` or ``reference_keras`` -- as ``Seq2SeqNet.forward``,
   ``numpy_seq2seq.core.gru.GRU.backward``, ``reference_keras.replay_fit``,
   ``Seq2Seq(cell="gru")``.  Every part must resolve: ``numpy_seq2seq`` by import and
   ``getattr`` (it needs NumPy alone), the others, which import TensorFlow or matplotlib, by
   reading their source (top-level definitions and imports, class attributes).  A call's
   keywords must be parameters of the callee.
2. **An instance of ours**, by the names the pages give them: ``model``/``m`` (a
   ``Seq2Seq``), ``e_rnn``/``d_rnn`` (a cell), ``d_output`` (``Dense``), ``self`` (any class
   of the core): ``model.e_rnn.params``, ``self.dh``, ``e_rnn.state``.  The attribute chain
   must exist on a real instance.
3. **A path-qualified name** ``path.py:Name.attr`` (``model.py:Seq2Seq.fit``,
   ``core/simple_rnn.py:SimpleRNN``): the file exists (from the root, or under
   ``numpy_seq2seq/``) and defines the name.  Keras's own ``keras/src/...`` is not ours.
4. **A path**: a span naming a file or folder under one of the repository's top-level folders
   (``numpy_seq2seq/core/lstm.py``, ``scripts/compare.py``, ``docs/figures/x.png``), or a bare
   file name with one of our extensions (``adam.py``, ``golden.npz``), must exist.  ``site/``
   and ``out/`` are what ``make docs`` and the commands write, not committed, so they are not
   checked; neither is ``keras/src/...``.
5. **A command**, anywhere (fenced blocks included): ``python -m X`` names a module or package
   of ours, ``python path.py`` a file of ours.
6. **A quoted line**: a span that is Python with an operator, a call, a subscript or an
   assignment (``context = self.d_rnn.state``, ``1 - hs**2``) -- but not a call of a pointer,
   a keyword ``h0=(h_0, c_0)`` or a tuple of names -- standing in the same sentence (or table
   row, or list item) as a pointer of kind 1 or 3 to a function or class of
   ``numpy_seq2seq``.  It must occur in the source of one of them (whitespace ignored).

``ALLOWED`` lists, each with its reason, the few spans that look like ours but are Keras's or
the seed's.  Markdown links are checked by ``tests/test_docs.py``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Every page we write; docs/code/ is not one of them (the site build writes it into docs/).
PAGES = sorted(
    [
        ROOT / "README.md",
        *(p for p in (ROOT / "docs").rglob("*.md") if p.relative_to(ROOT).parts[1] != "code"),
    ]
)
PACKAGES = ("numpy_seq2seq", "reference_keras", "scripts")
TOP = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")} | {".ci"}
NOT_COMMITTED = ("site/", "out/")
FILE_EXT = ("py", "md", "png", "npz", "toml", "json", "cfg", "txt", "html")

#: Spans that start like a name of ours but name Keras's or the seed's, and why.
ALLOWED = {
    "Adam.update_step": "Keras's keras/src/optimizers/adam.py, quoted as the source of (14)-(15)",
}

FENCE = re.compile(r"^```.*?^```[ \t]*$", re.S | re.M)
SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
PATH = re.compile(r"^(?:\.\./)?[\w.-]+(?:/[\w.-]+)*/?(?::[\w.]+)?$")
COMMAND = re.compile(r"python3? (?:-m ([\w.]+)|([\w/.-]+\.py))")
INSTANCE_ROOTS = ("model", "m", "e_rnn", "d_rnn", "d_output", "self")


# -- what our code defines ----------------------------------------------------------
@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def defined(body: list[ast.stmt]) -> dict[str, ast.AST]:
    """Names a module or class body binds: defs, classes, assignments and imports."""
    names: dict[str, ast.AST] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        names[n.id] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
    return names


def instance_attributes(cls: ast.ClassDef) -> set[str]:
    """``self.x`` assigned anywhere in the class's methods."""
    return {
        t.attr
        for n in ast.walk(cls)
        if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign))
        for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
        for t in ast.walk(target)
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
    }


def module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def roots() -> dict[str, list[str]]:
    """First part of a name of ours -> the modules (dotted) that define it."""
    found: dict[str, list[str]] = {p: [p] for p in PACKAGES}
    found.update({p.stem: [f"tests.{p.stem}"] for p in (ROOT / "tests").glob("*.py")})
    for package in ("numpy_seq2seq", "reference_keras"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            for name, node in defined(tree(path).body).items():
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    found.setdefault(name, []).append(module)
    return found


def resolve_in_source(path: Path, parts: list[str]) -> bool:
    """``parts`` resolved by reading ``path``: a top-level name, then class attributes."""
    body = tree(path).body
    for k, part in enumerate(parts):
        names = defined(body)
        if part not in names:
            return False
        node = names[part]
        if isinstance(node, (ast.Import, ast.ImportFrom)):  # follow a re-export
            target = node.module if isinstance(node, ast.ImportFrom) else None
            if target is None:
                return True
            base = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
            dotted = (base + "." + target) if node.level else target
            sub = module_file(dotted)
            return sub is not None and resolve_in_source(sub, parts[k:])
        if isinstance(node, ast.ClassDef):
            rest = parts[k + 1 :]
            if not rest:
                return True
            if rest[0] in defined(node.body) or rest[0] in instance_attributes(node):
                return True  # an attribute's own attributes are not followed
            return False
        return k == len(parts) - 1
    return True


def class_node(cls: type) -> ast.ClassDef:
    """The ast of a class of ours, read from its module's source."""
    return next(
        n
        for n in ast.walk(tree(Path(inspect.getfile(cls))))
        if isinstance(n, ast.ClassDef) and n.name == cls.__name__
    )


def resolve_numpy_seq2seq(module: str, parts: list[str]):
    """Import ``module`` and follow ``parts`` with getattr; instance attributes set in a
    class's methods count.  Returns the object, or raises LookupError."""
    obj = importlib.import_module(module)
    for part in parts:
        if hasattr(obj, part):
            obj = getattr(obj, part)
        elif inspect.isclass(obj) and part in instance_attributes(class_node(obj)):
            return None  # an instance attribute: exists, but has no source of its own
        else:
            raise LookupError(f"{obj!r} has no attribute {part!r}")
    return obj


def resolve_name(dotted: str):
    """(True, object or None) if ``dotted`` is a name of ours that resolves, (False, None)
    if it does not resolve; None if its first part is not ours."""
    parts = dotted.split(".")
    modules = roots().get(parts[0])
    if modules is None:
        return None
    for module in modules:
        if module.startswith("numpy_seq2seq"):
            # a dotted module path: import its longest importable prefix
            k, rest = 1, parts
            if module == parts[0]:
                while k < len(parts) and module_file(".".join(parts[: k + 1])):
                    k += 1
                module, rest = ".".join(parts[:k]), parts[k:]
            try:
                return True, resolve_numpy_seq2seq(module, rest)
            except LookupError:
                continue
        else:
            k = 1
            while k < len(parts) and module_file(".".join(parts[: k + 1])):
                k += 1
            if module == parts[0]:  # a package: its longest module prefix, then names
                path, rest = module_file(".".join(parts[:k])), parts[k:]
            elif module.startswith("tests."):  # a test helper module, by its own name
                path, rest = module_file(module), parts[1:]
            else:  # a name defined in reference_keras
                path, rest = module_file(module), parts
            if path and (not rest or resolve_in_source(path, rest)):
                return True, None
    return False, None


@cache
def instances() -> dict[str, list]:
    """Real objects for the instance names the pages use."""
    from numpy_seq2seq import Adam, Seq2Seq

    models = [Seq2Seq(seed=0, cell=c) for c in ("simple_rnn", "gru", "lstm")]
    cells = [r for m in models for r in (m.e_rnn, m.d_rnn)]
    return {
        "model": models,
        "m": models,
        "e_rnn": cells,
        "d_rnn": cells,
        "d_output": [m.d_output for m in models],
        "self": [*models, *(m.net for m in models), *cells, models[0].d_output, Adam()],
    }


def resolve_instance(dotted: str) -> bool:
    parts = dotted.split(".")
    for obj in instances()[parts[0]]:
        for part in parts[1:]:
            if not hasattr(obj, part):
                break
            obj = getattr(obj, part)
        else:
            return True
    return False


# -- reading the pages ----------------------------------------------------------------
def prose(path: Path) -> str:
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def units(text: str) -> list[str]:
    """Sentences, table rows and list items: where a quoted line and its pointer must meet."""
    pieces = re.split(r"\n\s*\n|\n(?=\s*(?:[*|-]|\d+\.) )", text)
    out = []
    for piece in pieces:
        for cell in piece.split(" | ") if piece.lstrip().startswith("|") else [piece]:
            out += re.split(r"(?<=[.!?])\s+(?=[A-Z*(\[`])|(?<=。)", cell)
    return out


def spans(path: Path) -> list[str]:
    return SPAN.findall(prose(path))


def page_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def leading_name(span: str) -> str | None:
    """The dotted name a span starts with; a plain name only when it is called."""
    m = DOTTED.match(span) or re.match(r"^[A-Za-z_]\w*(?=\()", span)
    return m[0] if m else None


def is_path(span: str) -> bool:
    if " " in span or not PATH.match(span):
        return False
    head = span.removeprefix("../").split(":")[0]
    return "/" in head or head.rsplit(".", 1)[-1] in FILE_EXT and "." in head


# -- the tests --------------------------------------------------------------------------
def name_problems(path: Path) -> list[str]:
    problems = []
    for span in spans(path):
        name = leading_name(span)
        if name is None or span in ALLOWED or name in ALLOWED or is_path(span):
            continue
        root = name.split(".")[0]
        if root in INSTANCE_ROOTS:
            if not resolve_instance(name):
                problems.append(f"`{span}`: no attribute chain {name} on our instances")
            continue
        found = resolve_name(name)
        if found is None:
            continue
        ok, obj = found
        if not ok:
            problems.append(f"`{span}`: {name} does not resolve")
        elif callable(obj) and span != name and span.startswith(name + "("):
            problems += call_problems(span, name, obj)
    return problems


def call_problems(span: str, name: str, obj) -> list[str]:
    """A call of one of our functions: its keywords are parameters, its arguments fit."""
    try:
        call = ast.parse(span, mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(call, ast.Call):
        return []
    params = [
        p for p in inspect.signature(obj).parameters.values() if p.name not in ("self", "cls")
    ]
    names = {p.name for p in params}
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var_pos = any(p.kind is p.VAR_POSITIONAL for p in params)
    problems = [
        f"`{span}`: {name} has no parameter {kw.arg!r}"
        for kw in call.keywords
        if kw.arg and kw.arg not in names and not var_kw
    ]
    if len(call.args) > len(positional) and not var_pos:
        problems.append(f"`{span}`: {name} takes {len(positional)} positional arguments")
    return problems


@cache
def committed_basenames() -> frozenset[str]:
    """The name of every file git tracks (not the venv's, not the build's)."""
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return frozenset(Path(line).name for line in out.stdout.splitlines())


def path_problems(path: Path) -> list[str]:
    problems = []
    basenames = committed_basenames()
    for span in spans(path):
        if not is_path(span) or span.startswith(NOT_COMMITTED) or span.startswith("keras/"):
            continue
        file, _, qualname = span.removeprefix("../").partition(":")
        if "/" not in file:  # a bare file name
            candidates = [ROOT / "numpy_seq2seq" / file, ROOT / file]
            if not any(c.exists() for c in candidates) and file not in basenames:
                problems.append(f"`{span}`: no file {file} in the repository")
                continue
            target = next((c for c in candidates if c.exists()), None)
        else:
            if file.split("/")[0] not in TOP and not (ROOT / "numpy_seq2seq" / file).exists():
                continue  # not a path of ours (e.g. a URL part)
            target = next(
                (c for c in (ROOT / file, ROOT / "numpy_seq2seq" / file) if c.exists()), None
            )
            if target is None:
                problems.append(f"`{span}`: {file} does not exist")
                continue
        if qualname and target is not None and target.suffix == ".py":
            if not resolve_in_source(target, qualname.split(".")):
                problems.append(f"`{span}`: {target.relative_to(ROOT)} defines no {qualname}")
    return problems


def command_problems(path: Path) -> list[str]:
    problems = []
    for module, script in COMMAND.findall(path.read_text(encoding="utf-8")):
        if module and module.split(".")[0] in TOP and module_file(module) is None:
            problems.append(f"python -m {module}: no such module of ours")
        if script and not (ROOT / script).is_file() and not script.startswith(NOT_COMMITTED):
            problems.append(f"python {script}: no such file")
    return problems


def quoted_line_problems(text: str) -> list[str]:
    problems = []
    for unit in units(text):
        found = SPAN.findall(unit)
        sources = []
        for span in found:
            target = None
            name = leading_name(span)
            if span.startswith(f"{name}("):
                pass  # a call uses the object; it does not say "this line is in it"
            elif name and name.split(".")[0] not in INSTANCE_ROOTS and span not in ALLOWED:
                result = resolve_name(name)
                if result and result[0]:
                    target = result[1]
            elif is_path(span) and ":" in span and not span.startswith("keras/"):
                file, _, qualname = span.partition(":")
                module = "numpy_seq2seq." + file.removeprefix("numpy_seq2seq/")[:-3].replace(
                    "/", "."
                )
                try:
                    target = resolve_numpy_seq2seq(module, qualname.split("."))
                except (LookupError, ModuleNotFoundError):
                    target = None
            ours = getattr(target, "__module__", "").startswith("numpy_seq2seq")
            if ours and (inspect.isfunction(target) or inspect.isclass(target)):
                sources.append(re.sub(r"\s+", "", inspect.getsource(target)))
        if not sources:
            continue
        for span in found:
            if is_quoted_line(span) and not any(re.sub(r"\s+", "", span) in s for s in sources):
                problems.append(f"`{span}` is not a line of the code its sentence names")
    return problems


def is_quoted_line(span: str) -> bool:
    """Python with an operator, call, subscript or assignment, that is not a call of a
    pointer, a keyword argument or a tuple of names."""
    name = leading_name(span)
    root = name.split(".")[0] if name else None
    if name and span.startswith(name + "(") and (root in roots() or root in INSTANCE_ROOTS):
        return False
    if is_path(span) or not span.isascii():  # a path, or math written in code font
        return False
    if re.match(r"^\w+=", span):  # keyword notation, h0=(h_0, c_0)
        return False
    try:
        node = ast.parse(span)
    except SyntaxError:
        return False
    kinds = (ast.BinOp, ast.Call, ast.Subscript, ast.Assign, ast.AugAssign, ast.Compare)
    return any(isinstance(n, kinds) for n in ast.walk(node))


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_every_pointer_into_the_code_resolves(path):
    problems = name_problems(path) + path_problems(path) + command_problems(path)
    assert not problems, f"{page_id(path)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_every_line_quoted_from_the_code_is_in_it(path):
    problems = quoted_line_problems(prose(path))
    assert not problems, f"{page_id(path)}:\n" + "\n".join(problems)


def test_the_rules_catch_what_they_should():
    """The rules themselves, on made-up text: a wrong name, path, command and quote fail."""
    assert resolve_name("numpy_seq2seq.core.gru.GRU.backward")[0]
    assert resolve_name("Seq2SeqNet.forward")[0]
    assert resolve_name("reference_keras.replay_fit")[0]
    assert resolve_name("Seq2Seq._forward") == (False, None)
    assert resolve_name("np.tanh") is None  # not ours
    assert resolve_instance("model.e_rnn.params") and resolve_instance("self.dh")
    assert not resolve_instance("self.no_such_thing")
    assert is_path("numpy_seq2seq/core/lstm.py") and is_path("model.py:Seq2Seq.fit")
    assert not is_path("e.g.") and not is_path("(N, T, H)")
    assert is_quoted_line("context = self.e_rnn.forward(ex)[:, -1]")
    assert is_quoted_line("1 - hs**2")
    assert not is_quoted_line("h0=(h_0, c_0)") and not is_quoted_line("(h_T, c_T)")
    assert not is_quoted_line('Seq2Seq(cell="gru")')
    assert call_problems("Seq2Seq(cells=2)", "Seq2Seq", resolve_name("Seq2Seq")[1])
    assert not call_problems('Seq2Seq(cell="gru")', "Seq2Seq", resolve_name("Seq2Seq")[1])
    source = re.sub(r"\s+", "", inspect.getsource(resolve_name("Seq2SeqNet.forward")[1]))
    assert re.sub(r"\s+", "", "context = self.e_rnn.state") in source
    stale = "In NumPy that is `Seq2SeqNet.forward`: `context = self.e_rnn.forward(ex)[:, -1]`."
    assert quoted_line_problems(stale)
    assert not quoted_line_problems(stale.replace("forward(ex)[:, -1]", "state"))
    assert not quoted_line_problems("Keras computes `1 - hs**2`. In `Seq2Seq.fit` ...")


def test_the_allow_list_is_needed_and_used():
    """Each allowed span occurs on some page, and would fail as a name of ours."""
    every_span = {span for path in PAGES for span in spans(path)}
    for span, reason in ALLOWED.items():
        assert reason and span in every_span, f"{span} is on no page: drop it from ALLOWED"
        assert resolve_name(leading_name(span)) == (False, None), f"{span} resolves: not needed"
