"""Ask the real Odoo 11 safe_eval checker on Python 3.6 for its verdicts.

Usage (with a Python 3.6 interpreter):
    python3.6 py36_safe_eval_oracle.py ODOO/tools/safe_eval.py > verdicts.json

Loads Odoo 11's own ``odoo/tools/safe_eval.py`` (the module's imports of odoo,
psycopg2 and werkzeug are stubbed: only ``test_expr`` runs, which compiles the
source and checks its opcodes and names) and prints, as JSON, the verdict on
each case of ``safe_eval_cases.py``: "accepted" or "refused: <exception>".
Runs on Python 3.6: no syntax newer than 3.6 in this file.
"""
import importlib.util
import json
import os
import sys
import types


def _stub(name, **attributes):
    module = types.ModuleType(name)
    module.__path__ = []
    module.__dict__.update(attributes)
    sys.modules[name] = module
    return module


def load_safe_eval(path):
    class OperationalError(Exception):
        pass

    def reraise(tp, value, tb=None):
        raise value.with_traceback(tb)

    _stub("psycopg2", OperationalError=OperationalError)
    _stub("werkzeug")
    _stub("odoo")
    _stub("odoo.tools")
    _stub("odoo.tools.pycompat", reraise=reraise, text_type=str, string_types=(str,))
    _stub("odoo.tools.misc", ustr=str)
    spec = importlib.util.spec_from_file_location("odoo.tools.safe_eval", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verdict(module, level, mode, source):
    allowed = {
        "safe": module._SAFE_OPCODES,
        "expr": module._EXPR_OPCODES,
        "const": module._CONST_OPCODES,
    }[level]
    try:
        module.test_expr(source, allowed, mode=mode)
    except (ValueError, NameError, SyntaxError, TypeError) as error:
        return "refused: %s" % type(error).__name__
    return "accepted"


def main(safe_eval_path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from safe_eval_cases import CASES

    module = load_safe_eval(safe_eval_path)
    verdicts = [
        {"whitelist": level, "mode": mode, "source": source,
         "verdict": verdict(module, level, mode, source)}
        for level, mode, source in CASES
    ]
    json.dump({"python": sys.version.split()[0], "verdicts": verdicts},
              sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
