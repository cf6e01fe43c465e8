# Sourced by the scripts here: make ./.venv, install the project (with the extras in $OGDASH_EXTRAS,
# e.g. "[test]") when pyproject.toml is newer than the last install, and put .venv/bin first on PATH.
# Quiet pip: only warnings and errors are printed.

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || {
        echo "$0: could not create .venv; on Debian install python3-venv (apt-get install -y python3-venv)" >&2
        exit 1
    }
fi
_stamp=".venv/.ogdash-installed${OGDASH_EXTRAS:-}"
if [ ! -f "$_stamp" ] || [ pyproject.toml -nt "$_stamp" ]; then
    echo "$0: installing the project into .venv (pip install -e .${OGDASH_EXTRAS:-})" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --progress-bar off \
        -e ".${OGDASH_EXTRAS:-}"
    touch "$_stamp"
fi
unset _stamp
export PATH="$PWD/.venv/bin:$PATH"
