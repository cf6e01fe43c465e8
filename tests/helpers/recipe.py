"""Running the /data notebook recipe as a reader would: in a fresh Python, from a folder of the caller's choice."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs a recipe as given on stdin, then prints its last expression (the query's rows) as JSON records.
RUNNER = """
import ast, sys
recipe = sys.stdin.read()
tree = ast.parse(recipe)
last = tree.body.pop()
namespace = {}
exec(compile(tree, "<recipe>", "exec"), namespace)
frame = eval(compile(ast.Expression(last.value), "<recipe>", "eval"), namespace)
print(frame.to_json(orient="records"))
"""


def run_recipe(recipe: str, cwd) -> list[dict]:
    """Return the rows the recipe's last expression gives, run in a new Python process in `cwd`."""
    done = subprocess.run([sys.executable, "-c", RUNNER], input=recipe, capture_output=True, text=True, cwd=cwd,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)
