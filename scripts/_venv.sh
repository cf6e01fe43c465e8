# Sourced by the scripts here: make the virtual environment ($OGDASH_VENV, default ./.venv), install
# the exact, hash-checked versions of requirements/$OGDASH_LOCK.txt (run or test) and the project
# itself, and put its bin/ first on PATH. It reinstalls only when the lock file or pyproject.toml
# changed since the last install. With OGDASH_UPGRADE=1 it ignores the lock and installs the newest
# releases pyproject.toml allows (into a separate environment, so the locked one stays as it is).
# Quiet pip: only warnings and errors are printed.

_lock="requirements/${OGDASH_LOCK:-run}.txt"
_venv="${OGDASH_VENV:-.venv}"
if [ "${OGDASH_UPGRADE:-0}" = 1 ]; then
    _venv="${OGDASH_VENV:-.venv-upgrade}"
fi
if [ ! -x "$_venv/bin/python" ]; then
    python3 -m venv "$_venv" || {
        echo "$0: could not create $_venv; on Debian install python3-venv (apt-get install -y python3-venv)" >&2
        exit 1
    }
fi
_pip=("$_venv/bin/python" -m pip --quiet --disable-pip-version-check)
if [ "${OGDASH_UPGRADE:-0}" = 1 ]; then
    _extras=""
    [ "${OGDASH_LOCK:-run}" = test ] && _extras="[test]"
    echo "$0: installing the newest releases pyproject.toml allows into $_venv (pip install --upgrade -e .$_extras)" >&2
    "${_pip[@]}" install --progress-bar off --upgrade --upgrade-strategy eager -e ".$_extras"
else
    _want="$(cat "$_lock" pyproject.toml | sha256sum | cut -c1-16)"
    _stamp="$_venv/.ogdash-installed-${OGDASH_LOCK:-run}"
    if [ ! -f "$_stamp" ] || [ "$(cat "$_stamp")" != "$_want" ]; then
        echo "$0: installing $_lock into $_venv (hash-checked), then the project (pip install --no-deps -e .)" >&2
        "${_pip[@]}" install --progress-bar off --require-hashes --no-deps -r "$_lock"
        "${_pip[@]}" install --progress-bar off --no-deps --no-build-isolation -e . 2>/dev/null \
            || "${_pip[@]}" install --progress-bar off --no-deps -e .
        echo "$_want" > "$_stamp"
    fi
    unset _want _stamp
fi
export PATH="$PWD/$_venv/bin:$PATH"
unset _lock _venv _pip _extras
