"""Speaks to a Dash app the way Dash's front end (the renderer) does, without a browser: the one imitator.

The benchmark (`bench.suite`), the load test (`bench.loadtest`) and the server tests all talk to the app
through this module. It reads GET /_dash-dependencies and the layouts the server returns, and POSTs
/_dash-update-component bodies shaped as the renderer shapes them:

- `callback_request(dep, inputs, ...)` builds the body of one callback request from values the caller
  gives; `url_callbacks` and `store_callbacks` say which callbacks a page view fires (the load test's
  virtual users and the tests use these);
- `Browserless` holds a page the way the renderer does (every component by id) and fires everything a
  browser fires when a page loads: the pages router, the shell's callbacks, then each newly mounted
  component's callbacks, following chained outputs, and then the user actions (clicks, toggles). The
  benchmark times each of those requests.
"""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from bench.servers import CpuProbe

LOCATION = "_pages_location"  # Dash Pages' dcc.Location: the URL every page view starts from
ROUTER = ".._pages_content.children..._pages_store.data.."  # the output key of Dash Pages' router callback
ROUTER_NAME = "pages router"  # the router's name in the bench's tables: it renders a page's layout
CALLBACK_PATH = "/_dash-update-component"


# ---------------------------------------------------------------- component ids and callback keys

def parse_id(text: Any) -> Any:
    """Return a component id as the app declared it: a pattern id's JSON text as a dict, a plain id as is."""
    return json.loads(text) if isinstance(text, str) and text.startswith("{") else text


def stringify_id(id_: Any) -> Any:
    """Return the text Dash keys a component by: a pattern id as sorted JSON, a plain id as is."""
    if isinstance(id_, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(id_[k])}" for k in sorted(id_)) + "}"
    return id_


def is_multi(output: str) -> bool:
    """Return whether a callback's output key names several outputs ("..a.children...b.data..")."""
    return output.startswith("..") and output.endswith("..")


def split_output(output: str) -> list[dict]:
    """Return the {"id", "property"} of each output a callback's output key names; pattern ids come back as dicts.

    A property keeps its allow_duplicate suffix ("href@1a2b"), as the renderer sends it; compare it
    with an input's property through `clean_property`.
    """
    parts = output[2:-2].split("...") if is_multi(output) else [output]
    return [{"id": parse_id(p.rpartition(".")[0]), "property": p.rpartition(".")[2]} for p in parts]


def clean_property(prop: str) -> str:
    """Return an output's property without its allow_duplicate suffix."""
    return prop.split("@")[0]


def is_wildcard(value: Any) -> bool:
    """Return whether one value of a pattern id is a wildcard (MATCH, ALL, ALLSMALLER)."""
    return isinstance(value, list) and len(value) == 1 and value[0] in ("MATCH", "ALL", "ALLSMALLER")


def is_pattern(id_: Any) -> bool:
    """Return whether a declared id holds a wildcard (component ids never hold lists)."""
    return isinstance(id_, dict) and any(isinstance(v, list) for v in id_.values())


def has_all(id_: Any) -> bool:
    """Return whether a declared id holds an ALL or ALLSMALLER wildcard (its value is a list of components)."""
    return isinstance(id_, dict) and any(v in (["ALL"], ["ALLSMALLER"]) for v in id_.values())


def matches(pattern: Any, concrete_id: Any) -> bool:
    """Return whether a concrete component id fits a (possibly wildcard) declared id."""
    if not isinstance(pattern, dict):
        return pattern == concrete_id
    if not isinstance(concrete_id, dict) or set(concrete_id) != set(pattern):
        return False
    return all(is_wildcard(v) or concrete_id[k] == v for k, v in pattern.items())


def concrete(pattern: Any, match: dict) -> Any:
    """Return `pattern` with each MATCH wildcard replaced by the value in `match`."""
    if not isinstance(pattern, dict):
        return pattern
    return {k: (match[k] if v == ["MATCH"] else v) for k, v in pattern.items()}


# ---------------------------------------------------------------- layouts

def index_components(node: Any, index: dict[str, dict]) -> None:
    """Add every component under `node` (layout JSON) to `index`, keyed by its stringified id, depth first."""
    if isinstance(node, list):
        for n in node:
            index_components(n, index)
    elif isinstance(node, dict):
        if "props" in node and "type" in node and isinstance(node["props"], dict):
            props = node["props"]
            if props.get("id") is not None:
                index[stringify_id(props["id"])] = {"id": props["id"], "props": props, "type": node["type"]}
            for value in props.values():
                index_components(value, index)
        else:
            for value in node.values():
                if isinstance(value, (dict, list)):
                    index_components(value, index)


def components(layout: Any) -> list[tuple[Any, str, dict]]:
    """Return (id, type, props) of every component in a Dash layout (JSON), depth first."""
    index: dict[str, dict] = {}
    index_components(layout, index)
    return [(c["id"], c["type"], c["props"]) for c in index.values()]


# ---------------------------------------------------------------- callback requests from given values

def callback_request(dep: dict, inputs: list, state: list | None = None, *, match: dict | None = None,
                     changed: list[str] | None = None) -> dict:
    """Return the JSON body Dash's front end POSTs for callback `dep` (an entry of /_dash-dependencies).

    `inputs` and `state` are lists of values (or, for an ALL pattern, lists of (id, value) pairs);
    `match` gives the values MATCH wildcards take.
    """
    match = match or {}
    output = dep["output"]
    outs = [{"id": concrete(o["id"], match), "property": o["property"]} for o in split_output(output)]

    def items(declared, values):
        result = []
        for dec, value in zip(declared, values):
            ident = parse_id(dec["id"])
            if has_all(ident):
                result.append([{"id": i, "property": dec["property"], "value": v} for i, v in value])
            else:
                result.append({"id": concrete(ident, match), "property": dec["property"], "value": value})
        return result

    body = {
        "output": output,
        "outputs": outs if is_multi(output) else outs[0],
        "inputs": items(dep["inputs"], inputs),
        "changedPropIds": changed if changed is not None else [],
    }
    if dep.get("state"):
        body["state"] = items(dep["state"], state or [None] * len(dep["state"]))
    return body


def server_callbacks(deps: list[dict]) -> list[dict]:
    """Return the callbacks the server runs (not the clientside ones)."""
    return [d for d in deps if not d.get("clientside_function")]


def url_callbacks(deps: list[dict]) -> list[dict]:
    """Return the server callbacks driven only by the URL: the page router and the shell's."""
    return [d for d in server_callbacks(deps)
            if d["inputs"] and all(i["id"] == LOCATION for i in d["inputs"]) and not d.get("state")]


def store_callbacks(deps: list[dict], layout) -> list[tuple[dict, dict, list]]:
    """Return (callback, match, input values) for every callback the stores in a page layout drive.

    These are what the browser fires when a page arrives: chart cards (one MATCH request per card)
    and page-level callbacks whose every input is a store's data.
    """
    stores = [(cid, props.get("data")) for cid, kind, props in components(layout) if kind == "Store"]
    calls = []
    for dep in server_callbacks(deps):
        if not dep["inputs"] or dep.get("state") or any(i["property"] != "data" for i in dep["inputs"]):
            continue
        patterns = [parse_id(i["id"]) for i in dep["inputs"]]
        if any(has_all(p) for p in patterns):
            continue
        first = patterns[0]
        for cid, value in stores:
            if not matches(first, cid):
                continue
            match = {k: cid[k] for k, v in first.items() if v == ["MATCH"]} if isinstance(first, dict) else {}
            values = [value]
            for pattern in patterns[1:]:
                want = concrete(pattern, match)
                found = [v for c, v in stores if c == want]
                if not found:
                    break
                values.append(found[0])
            else:
                calls.append((dep, match, values))
    return calls


# ---------------------------------------------------------------- a renderer without a browser

@dataclass
class Dep:
    """One server callback from /_dash-dependencies."""

    key: str  # the "output" string the server looks callbacks up by
    name: str
    outputs: list[dict]
    inputs: list[dict]
    state: list[dict]
    prevent_initial_call: bool
    multi: bool

    @property
    def wildcard_kind(self) -> str | None:
        kinds = {v[0] for d in self.inputs + self.state + self.outputs if is_pattern(d["id"])
                 for v in d["id"].values() if isinstance(v, list)}
        return "MATCH" if "MATCH" in kinds else ("ALL" if kinds else None)


def load_deps(raw: list[dict], names: dict[str, str]) -> list[Dep]:
    """Return the server callbacks of /_dash-dependencies, each named from `names` ({output key: module.function})."""
    deps = []
    for d in server_callbacks(raw):  # clientside callbacks run in the browser
        out = d["output"]
        name = names.get(out) or (ROUTER_NAME if out.startswith(".._pages_content.children") else out)
        deps.append(Dep(out, name, split_output(out),
                        [{"id": parse_id(i["id"]), "property": i["property"]} for i in d.get("inputs", [])],
                        [{"id": parse_id(s["id"]), "property": s["property"]} for s in d.get("state", [])],
                        bool(d.get("prevent_initial_call")), is_multi(out)))
    return deps


@dataclass
class Call:
    """One concrete callback invocation: the body to POST, and what it is."""

    dep: Dep
    instance: str  # the MATCH value (a chart id), or the triggering component for ALL callbacks
    body: dict
    trigger: str  # "load" | "chain" | "action"


class Browserless:
    """Speaks to one server the way the Dash renderer does, without a browser."""

    def __init__(self, url: str, names: dict[str, str], *, timeout: float = 300, cpu: CpuProbe | None = None):
        self.url = url
        self.cpu = cpu
        self.http = requests.Session()
        self.http.headers.update({"Accept-Encoding": "gzip", "Content-Type": "application/json"})
        self.timeout = timeout
        self.deps = load_deps(self.http.get(url + "/_dash-dependencies", timeout=timeout).json(), names)
        self.shell = self.http.get(url + "/_dash-layout", timeout=timeout).json()

    # -- one POST

    def post(self, body: bytes) -> tuple[int, float, bytes, int, float | None]:
        """Return status, seconds, body, bytes on the wire and the server's CPU ms for one callback request."""
        before = self.cpu.read() if self.cpu else None
        started = time.perf_counter()
        r = self.http.post(self.url + CALLBACK_PATH, data=body, timeout=self.timeout)
        content = r.content
        elapsed = time.perf_counter() - started
        cpu_ms = self.cpu.spent_ms(before, self.cpu.read()) if self.cpu else None
        wire = r.headers.get("Content-Length")
        wire_bytes = int(wire) if wire and r.headers.get("Content-Encoding") else (
            len(gzip.compress(content, 6)) if content else 0)
        return r.status_code, elapsed, content, wire_bytes, cpu_ms

    # -- a page load

    def load_page(self, path: str, search: str, *, record, actions: bool = True) -> dict[str, dict]:
        """Fire every callback a browser fires on loading path+search, then the user actions; return the components."""
        index: dict[str, dict] = {}
        index_components(json.loads(json.dumps(self.shell)), index)  # a copy: responses are written into the index
        location = {"pathname": path, "search": search, "href": f"http://127.0.0.1{path}{search}", "hash": ""}
        index[LOCATION] = {"id": LOCATION, "props": {**index.get(LOCATION, {}).get("props", {}), **location},
                           "type": "Location"}
        queue: list[Call] = []
        changed_location = [f"{LOCATION}.pathname", f"{LOCATION}.search"]
        for dep in self.deps:  # the Location sets pathname and search on mount: those callbacks fire first
            if any(i["id"] == LOCATION and i["property"] in ("pathname", "search") for i in dep.inputs):
                queue += self.instances(dep, index, changed=changed_location, trigger="load")
        for dep in self.deps:  # then the shell's initial calls
            if not dep.prevent_initial_call and dep not in [c.dep for c in queue]:
                queue += self.instances(dep, index, changed=[], trigger="load")
        self._run(queue, index, path, search, record)
        if actions:
            self._actions(index, path, search, record)
        return index

    def _run(self, queue: list[Call], index: dict, path: str, search: str, record) -> None:
        budget = 300
        seen_initial: set[tuple[str, str]] = {(c.dep.key, c.instance) for c in queue}
        while queue and budget:
            budget -= 1
            call = self._next(queue)
            queue.remove(call)
            body = self._fill(call, index)
            status, elapsed, content, wire, cpu_ms = self.post(json.dumps(body).encode())
            error = None if status in (200, 204) else content[:300].decode(errors="replace")
            record(call, status, elapsed, content, wire, error, cpu_ms)
            if status != 200:
                continue
            try:
                response = json.loads(content).get("response", {})
            except ValueError:
                continue
            mounted: dict[str, dict] = {}
            changed: list[str] = []
            for id_str, props in response.items():
                comp = index.setdefault(id_str, {"id": parse_id(id_str), "props": {}, "type": "?"})
                for prop, value in props.items():
                    comp["props"][prop] = value
                    changed.append(f"{id_str}.{prop}")
                    if prop == "children" or isinstance(value, (dict, list)):
                        index_components(value, mounted)
            index.update(mounted)
            for dep in self.deps:
                if dep is call.dep:
                    continue  # a callback's own outputs do not fire it again
                if not dep.prevent_initial_call:  # newly mounted components fire their callbacks
                    for c in self.instances(dep, index, changed=[], trigger="load", within=set(mounted)):
                        if (dep.key, c.instance) not in seen_initial:
                            seen_initial.add((dep.key, c.instance))
                            queue.append(c)
                for c in self.instances(dep, index, changed=changed, trigger="chain"):
                    if not any(q.dep is c.dep and q.instance == c.instance for q in queue):
                        queue.append(c)

    def _next(self, queue: list[Call]) -> Call:
        """Return the first call none of whose inputs another queued call will still write (as the renderer waits)."""
        for call in queue:
            ins = {(stringify_id(i["id"]) if not is_pattern(i["id"]) else None, i["property"]) for i in call.dep.inputs}
            blocked = False
            for other in queue:
                if other is call:
                    continue
                for o in other.dep.outputs:
                    if (stringify_id(o["id"]), clean_property(o["property"])) in ins:
                        blocked = True
            if not blocked:
                return call
        return queue[0]

    def instances(self, dep: Dep, index: dict, *, changed: list[str], trigger: str,
                   within: set[str] | None = None) -> list[Call]:
        """Return the concrete calls of `dep` on this page: one per MATCH value, one for the rest.

        With `changed`, only calls one of whose inputs changed; with `within`, only calls touching those components.
        """
        kind = dep.wildcard_kind
        specs = dep.inputs + dep.state + dep.outputs
        for spec in specs:  # every plain id must be on the page
            if not is_pattern(spec["id"]) and stringify_id(spec["id"]) not in index:
                return []
        if kind == "MATCH":
            pattern = next(s["id"] for s in specs if is_pattern(s["id"]) and any(v == ["MATCH"] for v in s["id"].values()))
            keys = [k for k, v in pattern.items() if v == ["MATCH"]]
            values = sorted({tuple(c["id"][k] for k in keys) for c in index.values() if matches(pattern, c["id"])})
            bindings = [dict(zip(keys, v)) for v in values]
        else:
            bindings = [{}]
        calls = []
        for binding in bindings:
            resolved = {"inputs": [], "state": [], "outputs": []}
            ok = True
            for group in ("inputs", "state", "outputs"):
                for spec in getattr(dep, group):
                    id_ = spec["id"]
                    if is_pattern(id_):
                        bound = concrete(id_, binding)
                        if any(v == ["MATCH"] for v in id_.values()):
                            if stringify_id(bound) not in index:
                                ok = False
                            resolved[group].append({"id": bound, "property": spec["property"]})
                        else:
                            found = [c["id"] for c in index.values() if matches(id_, c["id"])]
                            resolved[group].append([{"id": f, "property": spec["property"]} for f in found])
                    else:
                        resolved[group].append({"id": id_, "property": spec["property"]})
            if not ok:
                continue
            flat_inputs = [x for i in resolved["inputs"] for x in (i if isinstance(i, list) else [i])]
            input_keys = [f"{stringify_id(i['id'])}.{i['property']}" for i in flat_inputs]
            hits = [k for k in input_keys if k in changed]
            if changed and not hits:
                continue
            touched = {stringify_id(x["id"]) for g in resolved.values() for i in g for x in (i if isinstance(i, list) else [i])}
            if within is not None and not (touched & within):
                continue
            instance = "/".join(str(v) for v in binding.values())
            calls.append(Call(dep, instance, {
                "output": dep.key,
                "outputs": resolved["outputs"] if dep.multi else resolved["outputs"][0],
                "inputs": resolved["inputs"],
                "state": resolved["state"],
                "changedPropIds": hits,
            }, trigger))
        return calls

    @staticmethod
    def _fill(call: Call, index: dict) -> dict:
        body = dict(call.body)

        def value(dep):
            comp = index.get(stringify_id(dep["id"]))
            return None if comp is None else comp["props"].get(dep["property"])

        def fill(group):
            out = []
            for d in group:
                if isinstance(d, list):
                    out.append([{**x, "value": x.get("value", value(x))} for x in d])
                else:
                    out.append({**d, "value": d.get("value", value(d))})
            return out

        body["inputs"] = fill(call.body["inputs"])
        body["state"] = fill(call.body["state"])
        return body

    # -- user actions

    def _actions(self, index: dict, path: str, search: str, record) -> None:
        for dep in self.deps:
            if not dep.prevent_initial_call or dep.name == ROUTER_NAME:
                continue
            if any(i["id"] == LOCATION for i in dep.inputs):
                continue  # fired by navigation, already measured on load
            for trigger_spec in dep.inputs:
                calls = self._action_calls(dep, trigger_spec, index)
                if calls:
                    self._run_actions(calls, index, record)
                    break

    def _action_calls(self, dep: Dep, spec: dict, index: dict) -> list[Call]:
        prop = spec["property"]
        if prop not in ("n_clicks", "clickData", "n_submit", "value"):
            return []
        base_calls = self.instances(dep, index, changed=[], trigger="action")
        calls = []
        for call in base_calls:
            pos = dep.inputs.index(spec)
            target = call.body["inputs"][pos]
            targets = target if isinstance(target, list) else [target]
            for chosen in targets:
                val = self._action_value(prop, chosen, index)
                if val is None:
                    continue
                inputs = list(call.body["inputs"])
                if isinstance(target, list):
                    inputs[pos] = [{**x, "value": (val if x is chosen else None if prop == "clickData" else
                                                   index.get(stringify_id(x["id"]), {}).get("props", {}).get(prop))}
                                   for x in target]
                else:
                    inputs[pos] = {**target, "value": val}
                body = {**call.body, "inputs": inputs,
                        "changedPropIds": [f"{stringify_id(chosen['id'])}.{prop}"]}
                label = call.instance or (chosen["id"].get("chart") or chosen["id"].get("status") or "")\
                    if isinstance(chosen["id"], dict) else call.instance
                calls.append(Call(dep, str(label), body, "action"))
                if not isinstance(target, list) or prop != "clickData":
                    break  # one click per instance; clicks on ALL graphs: one per graph
        return calls

    @staticmethod
    def _action_value(prop: str, chosen: dict, index: dict):
        comp = index.get(stringify_id(chosen["id"]), {"props": {}})
        props = comp["props"]
        if prop in ("n_clicks", "n_submit"):
            return int(props.get(prop) or 0) + 1
        if prop == "value":
            options = props.get("options")
            if isinstance(options, list) and options:
                pick = options[-1]
                return pick.get("value") if isinstance(pick, dict) else pick
            return None
        figure = index.get(stringify_id(chosen["id"]), {}).get("props", {}).get("figure")
        traces = (figure or {}).get("data") or []
        for n, trace in enumerate(traces):
            grid = trace.get("type") in ("heatmap", "contour", "histogram2d")  # z, text, customdata are [row][col]
            point: dict[str, Any] = {"curveNumber": n, "pointNumber": [0, 0] if grid else 0, "pointIndex": 0}
            for key in ("x", "y", "z", "customdata", "text", "labels", "values", "hovertext"):
                arr = trace.get(key)
                if isinstance(arr, dict) and "bdata" in arr:
                    return None  # typed arrays: no plain value to click
                if isinstance(arr, list) and arr:
                    first = arr[0]
                    if grid and key not in ("x", "y") and isinstance(first, list):
                        first = first[0] if first else None
                    point["label" if key == "labels" else "value" if key == "values" else key] = first
            if any(k in point for k in ("x", "y", "label", "customdata")):
                return {"points": [point]}
        return None

    def _run_actions(self, calls: list[Call], index: dict, record) -> None:
        for call in calls:
            status, elapsed, content, wire, cpu_ms = self.post(json.dumps(self._fill_action(call, index)).encode())
            error = None if status in (200, 204) else content[:300].decode(errors="replace")
            record(call, status, elapsed, content, wire, error, cpu_ms)

    @staticmethod
    def _fill_action(call: Call, index: dict) -> dict:
        body = dict(call.body)

        def value(dep):
            comp = index.get(stringify_id(dep["id"]))
            return None if comp is None else comp["props"].get(dep["property"])

        body["state"] = [[{**x, "value": value(x)} for x in d] if isinstance(d, list) else {**d, "value": value(d)}
                         for d in call.body["state"]]
        body["inputs"] = [[{**x, "value": x["value"] if "value" in x else value(x)} for x in d]
                          if isinstance(d, list) else {**d, "value": d["value"] if "value" in d else value(d)}
                          for d in call.body["inputs"]]
        return body


