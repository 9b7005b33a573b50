# Shared helpers of bin/demo and bin/test (sourced, not run).
# shellcheck shell=bash

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL="$REPO/.local"
mkdir -p "$LOCAL"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Odoo 19 must be importable by python3: it is a prerequisite, never installed by us.
require_odoo() {
    PYTHON=${PYTHON:-python3}
    command -v "$PYTHON" >/dev/null || die "python3 not found. Install Python 3.10-3.13 first."
    local version
    if ! version=$("$PYTHON" -c 'import odoo.release as r; print(r.serie)' 2>/dev/null); then
        die "Odoo is not importable by '$PYTHON' ('import odoo' fails).
  serial_tracking needs Odoo 19.0 Community installed from source:
    1. get the 19.0 source tree (git clone -b 19.0 https://github.com/odoo/odoo)
    2. pip install -r requirements.txt   (in that tree; give old source packages
       'setuptools<70' in their build environment, e.g. PIP_CONSTRAINT=<file with setuptools<70>;
       python-ldap is not needed)
    3. pip install -e .                  (in that tree, so that python3 can import odoo)
  See https://www.odoo.com/documentation/19.0/administration/on_premise/source.html"
    fi
    [ "$version" = "19.0" ] || die "python3 imports Odoo $version; serial_tracking needs Odoo 19.0."
    # Odoo's own addons: <source tree>/addons next to the odoo package (a pip install of the
    # wheel puts them inside odoo/addons, which Odoo always adds by itself).
    local odoo_root
    odoo_root=$("$PYTHON" -c 'import odoo, os; print(os.path.dirname(list(odoo.__path__)[0]))')
    ADDONS_PATH="$REPO"
    [ -d "$odoo_root/addons/stock" ] && ADDONS_PATH="$ADDONS_PATH,$odoo_root/addons"
    [ -n "${ODOO_EXTRA_ADDONS:-}" ] && ADDONS_PATH="$ADDONS_PATH,$ODOO_EXTRA_ADDONS"
    export ADDONS_PATH
}

# Our own Python dependencies (requirements.txt [+ test-requirements.txt]); quiet and idempotent.
require_python_deps() {
    local files=("-r" "$REPO/requirements.txt")
    [ "${1:-}" = "test" ] && files+=("-r" "$REPO/test-requirements.txt")
    if ! "$PYTHON" -m pip install --disable-pip-version-check -q "${files[@]}" >"$LOCAL/pip.log" 2>&1; then
        cat "$LOCAL/pip.log" >&2
        die "could not install the Python packages of requirements.txt (see above)."
    fi
}

# A PostgreSQL server: the one libpq's settings (PGHOST, PGPORT, PGUSER, PGPASSWORD) point at,
# else a private throwaway cluster under .local/pg started with the installed binaries.
require_postgres() {
    if psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        return
    fi
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -z "$bindir" ] && bindir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")
    if ! command -v psql >/dev/null || [ ! -x "$bindir/initdb" ]; then
        die "no PostgreSQL server answers (PGHOST=${PGHOST:-<default>} PGPORT=${PGPORT:-5432}) and no
  PostgreSQL binaries to start one. Install PostgreSQL (e.g. apt-get install postgresql) or point
  PGHOST/PGPORT/PGUSER/PGPASSWORD at a server."
    fi
    local data="$LOCAL/pg/data" run="$LOCAL/pg/run" port=${ST_PRIVATE_PGPORT:-54329}
    local as=()
    # PostgreSQL refuses to run as root: use the 'postgres' system user then.
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root and no 'postgres' user to run PostgreSQL as."
        as=(runuser -u postgres --)
    fi
    mkdir -p "$run"
    [ "$(id -u)" = 0 ] && chown -R postgres "$LOCAL/pg"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "No PostgreSQL server answers: creating a private cluster in .local/pg"
        "${as[@]}" "$bindir/initdb" -D "$data" -U "$(id -un)" -A trust >"$LOCAL/pg/initdb.log" 2>&1 \
            || { cat "$LOCAL/pg/initdb.log" >&2; die "initdb failed"; }
    fi
    export PGHOST="$run" PGPORT="$port" PGUSER="$(id -un)"
    if ! psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        say "Starting the private PostgreSQL cluster (socket in .local/pg/run, port $port)"
        "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$LOCAL/pg/server.log" -w \
            -o "-k $run -p $port -c listen_addresses=''" start >/dev/null \
            || { tail -20 "$LOCAL/pg/server.log" >&2; die "could not start the private PostgreSQL cluster"; }
    fi
}

# Odoo configuration file for the database server chosen above.
write_odoo_config() {
    local conf="$1" http_port="$2"
    {
        echo "[options]"
        echo "addons_path = $ADDONS_PATH"
        echo "data_dir = $LOCAL/filestore"
        echo "http_interface = 127.0.0.1"
        echo "http_port = $http_port"
        echo "admin_passwd = admin"
        # libpq's usual settings, when set, name the PostgreSQL server to use.
        if [ -n "${PGHOST:-}" ]; then echo "db_host = $PGHOST"; fi
        if [ -n "${PGPORT:-}" ]; then echo "db_port = $PGPORT"; fi
        if [ -n "${PGUSER:-}" ]; then echo "db_user = $PGUSER"; fi
        if [ -n "${PGPASSWORD:-}" ]; then echo "db_password = $PGPASSWORD"; fi
    } >"$conf"
}

# Every addon of this repository (a folder with a manifest), comma-separated.
repo_addons() {
    local names=()
    for manifest in "$REPO"/*/__manifest__.py; do
        names+=("$(basename "$(dirname "$manifest")")")
    done
    (IFS=,; echo "${names[*]}")
}

db_exists() { [ "$(psql -d postgres -Atqc "select 1 from pg_database where datname='$1'")" = 1 ]; }
