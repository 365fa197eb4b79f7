#!/usr/bin/env bash
# The two set-up commands of the README:
#   ./dialer.sh demo   install the dialer and run the demo (SQLite + simulated PBX)
#   ./dialer.sh test   install what the tests need and run the whole suite
# A fresh Debian refuses pip installs into the system Python (PEP 668), so unless a
# virtual environment is already active this makes one in .venv and uses it.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}

venv_python() {
    if [[ -n "${VIRTUAL_ENV:-}" ]]; then
        echo "$VIRTUAL_ENV/bin/python"
        return
    fi
    if [[ ! -x .venv/bin/python ]]; then
        if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "dialer needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
            exit 1
        fi
        if ! "$PYTHON" -m venv .venv 2>/dev/null; then
            echo "cannot create .venv: on Debian run 'apt-get install python3-venv' first" >&2
            exit 1
        fi
    fi
    echo "$PWD/.venv/bin/python"
}

install() {  # $1: the venv's python, $2: what to install, e.g. "." or ".[dev]"
    local py=$1 spec=$2
    # Some machines' pip configuration names local indexes that do not exist; pip warns once
    # per package. The warnings drown real errors, so they are filtered out.
    {
        "$py" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$py" -m pip install --quiet --disable-pip-version-check -e "$spec"
    } 2> >(grep -v "^WARNING: Location 'file:" >&2)
}

cmd=${1:-help}
shift || true
case "$cmd" in
    demo)
        py=$(venv_python)
        install "$py" "."
        exec "$py" -m dialer demo "$@"
        ;;
    test)
        py=$(venv_python)
        install "$py" ".[dev]"
        if [[ -x .ci/browsers ]]; then .ci/browsers; fi
        # pytest exits 5 when it collected nothing: that is a failure here too.
        exec "$py" -m pytest "$@"
        ;;
    *)
        echo "usage: ./dialer.sh demo | test [pytest args]" >&2
        exit 2
        ;;
esac
