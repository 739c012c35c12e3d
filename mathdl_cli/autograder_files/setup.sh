#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image
# (written by `mathdl gradescope`). It installs mathdl from the wheel in this
# zip, with the pinned CPU build of torch, into its own virtual environment.
# Nothing is downloaded later: run_autograder uses only what is installed here.
#
# Every path is under $MATHDL_AUTOGRADER_ROOT (default /autograder). Knobs, for
# testing the zip elsewhere: MATHDL_PYTHON (the Python >= 3.11 to use),
# MATHDL_VENV_OPTIONS (extra `python -m venv` options), MATHDL_TORCH_INDEX (the
# index torch comes from; empty: pip's own configuration).
set -euo pipefail
ROOT="${MATHDL_AUTOGRADER_ROOT:-/autograder}"
HERE="$ROOT/source/mathdl"
VENV="$ROOT/mathdl-venv"
TORCH_INDEX="${MATHDL_TORCH_INDEX-https://download.pytorch.org/whl/cpu}"

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
PY=""
for candidate in ${MATHDL_PYTHON:-} python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then  # Ubuntu 22.04, Gradescope's default image, has Python 3.10 only
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv
  PY=python3.11
fi

rm -rf "$VENV"
# shellcheck disable=SC2086  # the options are words on purpose
"$PY" -m venv ${MATHDL_VENV_OPTIONS:-} "$VENV"
PIP=("$VENV/bin/python" -m pip install --no-input --disable-pip-version-check)
if [ -n "$TORCH_INDEX" ]; then
  "${PIP[@]}" --index-url "$TORCH_INDEX" "torch==2.13.0"
fi
"${PIP[@]}" "$HERE"/mathdl-*.whl "torch==2.13.0"
"$VENV/bin/python" -m mathdl_cli --version

# The references, the hidden cases' code and the course secret: for the grader
# (root) only. Student code runs as nobody or in its own namespaces.
chmod -R go-rwx "$HERE"
echo "mathdl autograder installed in $VENV"
