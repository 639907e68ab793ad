"""safe_eval on Python 3.11 accepts and refuses what Odoo 11 did on Python 3.6.

safe_eval is a security boundary (server actions, domains, QWeb): the
compatibility layer must not open it wider than Odoo 11 on 3.6.
"""

import glob
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import odoo.tools.safe_eval  # noqa: F401 - the module, not the function of the same name

SAFE_EVAL = sys.modules["odoo.tools.safe_eval"]
HERE = Path(__file__).resolve().parent
RECORDED = json.loads((HERE / "safe_eval_py36_verdicts.json").read_text())
WHITELISTS = {
    "safe": SAFE_EVAL._SAFE_OPCODES,
    "expr": SAFE_EVAL._EXPR_OPCODES,
    "const": SAFE_EVAL._CONST_OPCODES,
}


def _verdict(whitelist, mode, source):
    try:
        SAFE_EVAL.test_expr(source, WHITELISTS[whitelist], mode=mode)
    except (ValueError, NameError, SyntaxError, TypeError) as error:
        return "refused: %s" % type(error).__name__
    return "accepted"


@pytest.mark.parametrize(
    "case", RECORDED["verdicts"],
    ids=["%s-%s-%s" % (c["whitelist"], c["mode"], c["source"][:40]) for c in RECORDED["verdicts"]])
def test_same_verdict_as_odoo11_on_python36(case):
    assert _verdict(case["whitelist"], case["mode"], case["source"]) == case["verdict"]


def _python36():
    """A working Python 3.6 interpreter (pyenv's or on PATH), or None."""
    candidates = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.6*/bin/python3.6")))
    candidates.append(shutil.which("python3.6"))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 6)":
            return candidate
    return None


def test_recorded_verdicts_are_those_of_python36_today():
    """The recorded table is what the real checker says on 3.6, for every case."""
    python36 = _python36()
    if not python36:
        pytest.skip("no Python 3.6 interpreter here to re-ask the oracle")
    output = subprocess.run(
        [python36, str(HERE / "py36_safe_eval_oracle.py"), SAFE_EVAL.__file__],
        check=True, capture_output=True, text=True).stdout
    assert json.loads(output)["verdicts"] == RECORDED["verdicts"]


def test_the_cases_cover_what_the_issue_names():
    sources = {case["source"] for case in RECORDED["verdicts"]}
    for source in ("().__class__", "x.__globals__", "__import__('os')", "import os",
                   "f'{x}'", "with x:\n    pass"):
        assert source in sources


@pytest.mark.parametrize("source, expected", [
    ("[1, 2, 3]", [1, 2, 3]),
    ("{'a': 1, 'b': (2, 3)}", {"a": 1, "b": (2, 3)}),
    ("{1, 2, 3} | {4}", {1, 2, 3, 4}),
    ("(7 + 3) * 2 - 5 // 2 % 3 ** 2", 18),
    ("1 < 2 <= 2 != 3 and 2 in [1, 2] and None is None", True),
    ("[i * i for i in range(5) if i % 2]", [1, 9]),
    ("{k: v for k, v in [('a', 1), ('b', 2)]}", {"a": 1, "b": 2}),
    ("sum(i for i in range(4))", 6),
    ("'%s-%s' % ('SO', 7)", "SO-7"),
    ("max([3, 1, 2], key=lambda x: -x)", 1),
    ("dict(**{'a': 1, 'b': 2})", {"a": 1, "b": 2}),
    ("(lambda *a: a)(*[1, 2])", (1, 2)),
    ("'a,b'.split(',')[-1]", "b"),
])
def test_accepted_expressions_give_their_value(source, expected):
    assert SAFE_EVAL.safe_eval(source) == expected


def test_statements_with_try_except_run():
    code = (
        "try:\n"
        "    value = 1 / divisor\n"
        "except Exception:\n"
        "    value = -1\n"
        "total = 0\n"
        "for i in range(4):\n"
        "    total += i\n"
    )
    scope = {"divisor": 0}
    SAFE_EVAL.safe_eval(code, scope, mode="exec", nocopy=True)
    assert (scope["value"], scope["total"]) == (-1, 6)


@pytest.mark.parametrize("source, mode, error", [
    ("().__class__", "eval", NameError),
    ("().__class__.__bases__[0].__subclasses__()", "eval", NameError),
    ("x.__globals__", "eval", NameError),
    ("__import__('os').system('true')", "eval", NameError),
    ("__builtins__", "eval", NameError),
    ("import os", "exec", ValueError),
    ("from os import path", "exec", ValueError),
    ("open('/etc/passwd').read()", "eval", ValueError),
    ("exec('x = 1')", "eval", ValueError),
    ("eval('1')", "eval", ValueError),
    ("compile('1', '', 'eval')", "eval", ValueError),
    ("getattr(x, 'y')", "eval", ValueError),
    ("globals()", "eval", ValueError),
    ("f'{x}'", "eval", ValueError),
    ("with x:\n    pass", "exec", ValueError),
    ("x.attr = 1", "exec", ValueError),
    ("[*x]", "eval", ValueError),
    ("def g():\n    yield from x", "exec", ValueError),
    ("(y := 1)", "eval", SyntaxError),
])
def test_forbidden_constructs_are_refused(source, mode, error):
    with pytest.raises(error):
        SAFE_EVAL.safe_eval(source, {"x": object()}, mode=mode)
