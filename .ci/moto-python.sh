# Sourced by .ci/run: sets MOTO_PYTHON to the python that has moto server, in the order of
# src/demo/moto-python.ts: $MOTO_PYTHON, ~/.venv-moto, pipx's venv, python3. Debian 12 and Ubuntu
# refuse `pip install` into the system python, so moto usually lives in a venv.
find_moto_python() {
  local candidates=()
  if [ -n "${MOTO_PYTHON:-}" ]; then
    candidates=("$MOTO_PYTHON")
  else
    candidates=("$HOME/.venv-moto/bin/python" "$HOME/.local/share/pipx/venvs/moto/bin/python" "$HOME/.local/pipx/venvs/moto/bin/python" python3)
  fi
  local py
  for py in "${candidates[@]}"; do
    if "$py" -c 'import moto.server' >/dev/null 2>&1; then
      MOTO_PYTHON=$py
      export MOTO_PYTHON
      return 0
    fi
  done
  echo "ci: moto server is missing (tried ${candidates[*]}): python3 -m venv ~/.venv-moto && ~/.venv-moto/bin/pip install 'moto[server]' (or pipx install 'moto[server]'; MOTO_PYTHON=/path/to/python names another)" >&2
  return 1
}
