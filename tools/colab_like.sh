#!/usr/bin/env bash
# The chapters as a student meets them in Colab: older versions than the tested set,
# gantutor installed with --no-deps as the notebooks' setup cell installs it.
#
#   bash tools/colab_like.sh [NOTEBOOK ...]   # default: the intro and two chapters
#
# .venv-colab gets Python 3.12 and the versions of tools/colab-like.txt (made once,
# again when that file changes); then gantutor from this checkout with --no-deps and
# the setup cell's extras (tools/setup_cell.py --extras), and the notebooks run in the
# smoke profile with benchmarks/run_notebook.py. `bash tools/dev test` runs it after
# the tests (it needs the project's .venv for the extras' versions).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv="$root/.venv-colab"
say() { printf '[colab-like] %s\n' "$*"; }

# Colab runs Python 3.12. A pyenv shim may exist without its version being active,
# so each candidate is run, not just looked up. Python 3.11 (which tools/dev needs
# anyway) stands in when no 3.12 is found: the libraries' versions are the point.
python=""
for candidate in "${COLAB_PYTHON:-}" python3.12 "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12; do
  if [ -n "$candidate" ] && "$candidate" -c 'import sys, venv' >/dev/null 2>&1; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  python=python3.11
  say "WARNING: no Python 3.12 here (set COLAB_PYTHON to one); using $python instead"
fi
want=$(sha256sum tools/colab-like.txt | cut -d' ' -f1)
if [ "$(cat "$venv/.colab-like.sha256" 2>/dev/null)" != "$want" ]; then
  say "creating .venv-colab with $("$python" --version) and tools/colab-like.txt" \
    "(minutes the first time: Colab's torch is a CUDA build)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  # The machine-wide pip constraints (if any) are for the tested set, not this one.
  PIP_CONSTRAINT="" "$venv/bin/python" -m pip install --quiet -r tools/colab-like.txt
  printf '%s\n' "$want" >"$venv/.colab-like.sha256"
fi
# As the setup cell does in Colab: the package without its dependencies, plus the two
# packages Colab lacks, at their tested versions.
extras=$("$root/.venv/bin/python" tools/setup_cell.py --extras)
PIP_CONSTRAINT="" "$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall \
  . $extras
rm -rf build # setuptools' staging folder of that install, not part of the checkout
"$venv/bin/python" - <<'PY'
import sys

import IPython
import ipywidgets
import numpy
import torch

import gantutor

print(f"[colab-like] Python {sys.version.split()[0]}, torch {torch.__version__}, "
      f"numpy {numpy.__version__}, ipywidgets {ipywidgets.__version__}, "
      f"IPython {IPython.__version__}, gantutor {gantutor.__version__}")
PY
if [ $# -eq 0 ]; then
  set -- book/intro.ipynb book/part1/gan.ipynb book/part4/cgan.ipynb
fi
GANTUTOR_PROFILE=smoke OMP_NUM_THREADS=1 GANTUTOR_OFFLINE=1 \
  "$venv/bin/python" benchmarks/run_notebook.py --budget 180 "$@"
