"""The benchmark and load tools of the Open Government Monitor: beside the `dashboard` package, never shipped in it.

- `suite.py`: `ogdash bench`, every performance measurement in one run (docs/performance.md);
- `baseline.py`: the pandas baseline the bench compares the app with;
- `loadtest.py`: virtual users against a running server (`python -m bench.loadtest`; docs/deployment.md);
- `frontend.py`: the one imitation of Dash's front end that all of them (and the server tests) speak through;
- `servers.py`: starting, watching (memory, CPU) and stopping the servers they measure.

They import the package; the package imports none of them (`ogdash bench` finds this folder in the
checkout it runs from).
"""
