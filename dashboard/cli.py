"""The `ogdash` command: build and check snapshots, serve the dashboard, generate scale data.

Exit codes: 0 success (a build that found nothing changed included), 1 failure (with a one-line reason on
stderr), 2 usage error, 75 another build or prune holds the data folder (try again later, or --wait).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import dashboard
from dashboard import config

# Each command imports the modules it runs inside its own function: `ogdash --help` or a usage error answers in
# 0.1 s, where importing the app takes about 2 s and the publishing side about 1 s. None of them imports cli.
DATA_DIR_HELP = ("data folder, holding snapshots/ (default: $OGDASH_DATA_DIR, else ./data in the current folder; "
                 "see `ogdash snapshot build --help`)")


def _data_dir(args) -> Path:
    return Path(args.data_dir).resolve() if args.data_dir else config.data_dir()


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


EXIT_LOCKED = 75  # EX_TEMPFAIL: another build or prune holds the data folder; try again later


def _log(line: str) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)  # above a progress bar, when one is drawn


def cmd_snapshot_build(args) -> int:
    from dashboard import publish, snapshots
    from dashboard.ingest.common import IngestError

    cfg = Path(args.config) if args.config else config.DEFAULT_SOURCES
    try:
        snap = publish.build(cfg, _data_dir(args), log=_log, force=args.force, wait=args.wait)
    except publish.BuildLocked as exc:
        print(f"ogdash: snapshot not built: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (IngestError, snapshots.SnapshotError) as exc:
        print(f"ogdash: snapshot not built: {exc}", file=sys.stderr)
        return 1
    if snap.published:
        print(snap.id)  # stdout carries only a newly published id: empty when nothing changed
    return 0


def cmd_snapshot_prune(args) -> int:
    from dashboard import publish, snapshots

    data_dir = _data_dir(args)
    try:
        removed = publish.prune(data_dir, args.keep, log=_log, wait=args.wait)
    except publish.BuildLocked as exc:
        print(f"ogdash: nothing pruned: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    for snapshot_id in removed:
        print(snapshot_id)
    left = snapshots.list_snapshots(data_dir)
    print(f"ogdash: removed {len(removed)} snapshot(s); {len(left)} left in {snapshots.snapshots_dir(data_dir)}",
          file=sys.stderr)
    return 0


def cmd_snapshot_list(args) -> int:
    from dashboard import snapshots

    data_dir = _data_dir(args)
    try:
        ids = snapshots.list_snapshots(data_dir)
    except snapshots.SnapshotError as exc:  # the folder cannot be listed (its permissions)
        print(f"ogdash: {exc}", file=sys.stderr)
        return 1
    if not ids:
        print(f"no snapshots in {snapshots.snapshots_dir(data_dir)}")
        return 0
    print(f"{'snapshot':<22} {'created_at':<26} {'rows':>10} {'synthetic':>10}  status")
    for snapshot_id in ids:
        try:
            snap = snapshots.verify(data_dir, snapshot_id)
            rows = sum(t["rows"] for t in snap.manifest["tables"].values())
            print(f"{snapshot_id:<22} {snap.manifest['created_at']:<26} {rows:>10} {snap.synthetic_rows:>10}  ok")
        except snapshots.SnapshotError as exc:
            print(f"{snapshot_id:<22} {'':<26} {'':>10} {'':>10}  BROKEN: {exc}")
    return 0


def cmd_snapshot_verify(args) -> int:
    from dashboard import snapshots

    data_dir = _data_dir(args)
    try:
        ids = [args.id] if args.id else snapshots.list_snapshots(data_dir)
    except snapshots.SnapshotError as exc:  # the folder cannot be listed (its permissions)
        print(f"ogdash: {exc}", file=sys.stderr)
        return 1
    if not ids:
        print(f"ogdash: no snapshots in {snapshots.snapshots_dir(data_dir)}", file=sys.stderr)
        return 1
    failed = 0
    for snapshot_id in ids:
        try:
            snapshots.verify(data_dir, snapshot_id)
            print(f"{snapshot_id}: ok")
        except snapshots.SnapshotError as exc:
            print(f"{snapshot_id}: FAILED: {exc}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def cmd_serve(args) -> int:
    from dashboard import serve

    return serve.run(data_dir=_data_dir(args), host=args.host, port=args.port, dev=args.dev)


def cmd_demo_data(args) -> int:
    from dashboard import publish

    data_dir = _data_dir(args)
    try:
        with publish.build_lock(data_dir, wait=args.wait, purpose="demo-data"):
            publish.remove_leftovers(data_dir, log=_log)
            snap = publish.write_scale_snapshot(data_dir, args.scale, seed=args.seed)
    except publish.BuildLocked as exc:
        print(f"ogdash: no demo data written: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    print(snap.id)
    return 0


def cmd_bench(args) -> int:
    # The benchmark is a tool beside the package, not in it: found in the checkout this package runs from.
    if not (config.BENCH_DIR / "suite.py").is_file():
        print(f"ogdash: bench needs the source checkout: it runs bench/suite.py, which is not in the installed "
              f"package (looked in {config.BENCH_DIR})", file=sys.stderr)
        return 1
    if str(config.PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(config.PROJECT_DIR))
    suite = importlib.import_module("bench.suite")
    suite.run(_data_dir(args), json_path=args.json, quick=args.quick)
    return 0


def cmd_brief(args) -> int:
    from dashboard import chromium, printing

    try:
        out = printing.generate(args.url, Path(args.out), lang=args.lang,
                             data_dir=Path(args.data_dir).resolve() if args.data_dir else None)
    except ValueError as exc:  # the URL names a page without a briefing: a usage error
        print(f"ogdash: no briefing: {exc}", file=sys.stderr)
        return 2
    except chromium.BriefFailed as exc:
        print(f"ogdash: no briefing: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


def cmd_export_site(args) -> int:
    import json

    from dashboard import export_site, playlists

    data_dir = _data_dir(args)  # the folder `ogdash serve` reads: --data-dir, else $OGDASH_DATA_DIR, else ./data
    try:
        out = export_site.export(Path(args.playlist), Path(args.out), data_dir=data_dir)
    except playlists.PlaylistError as exc:  # a playlist file that cannot be played: a failure, like a bad sources file
        print(f"ogdash: {exc}", file=sys.stderr)
        return 1
    snapshot = json.loads((out.parent / "manifest.json").read_text(encoding="utf-8"))["snapshot_id"]
    print(f"ogdash: exported snapshot {snapshot} from {data_dir} to {out.parent}", file=sys.stderr)
    print(out)
    return 0


QUERY_FORMATS = ("csv", "json", "parquet")


def _param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE (e.g. jurisdictions=ca,ca-qc)")
    return key.strip(), value


def cmd_query(args) -> int:
    import json

    from dashboard import data

    data_dir = _data_dir(args)
    if args.format == "parquet" and not args.output:
        print("ogdash: --format parquet writes a file: give --output FILE", file=sys.stderr)
        return 2
    try:
        data.bind_cli_parameters(args.name, args.param)
    except data.QueryError as exc:  # an unknown query or parameter: a usage error, naming the known ones
        print(f"ogdash: {exc}", file=sys.stderr)
        return 2
    try:
        rows, snapshot, params = data.run_named(args.name, args.param, snapshot=args.snapshot, base=args.base,
                                                data_dir=data_dir)
    except (data.QueryError, data.NoSnapshot) as exc:  # a snapshot that does not verify, values DuckDB refuses
        print(f"ogdash: {exc}", file=sys.stderr)
        return 1
    if args.format == "parquet":
        rows.to_parquet(args.output, index=False)
        print(f"ogdash: {len(rows)} rows of {args.name} on snapshot {snapshot} written to {args.output}", file=sys.stderr)
        return 0
    if args.format == "json":
        text = json.dumps({"query": args.name, "snapshot": snapshot, "base": args.base,
                           "params": {k: data.json_value(v) for k, v in params.items()},
                           "columns": [str(c) for c in rows.columns], "rows": data.json_records(rows)},
                          ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    else:
        text = rows.to_csv(index=False)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"ogdash: {len(rows)} rows of {args.name} on snapshot {snapshot} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ogdash", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ogdash {dashboard.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    snap = sub.add_parser("snapshot", help="build, list, verify and prune snapshots")
    snap_sub = snap.add_subparsers(dest="snapshot_command", required=True)
    b = snap_sub.add_parser("build", help="build one snapshot from every source in a sources file")
    b.add_argument("--config", help="sources TOML file (default: the bundled sources, "
                                    f"{config.DEFAULT_SOURCES})")
    b.add_argument("--data-dir", help="data folder to write snapshots/ into (default: $OGDASH_DATA_DIR, else ./data "
                                      "in the current folder, so a build and a serve started in the same folder "
                                      "meet, and nothing is written inside the installed package)")
    b.add_argument("--force", action="store_true",
                   help="publish a new snapshot even when no source, the sources file or the code changed")
    b.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help=f"wait this long for another build or prune to finish (default 0: stop at once, "
                        f"exit {EXIT_LOCKED})")
    b.set_defaults(func=cmd_snapshot_build)
    pr = snap_sub.add_parser("prune", help="remove older snapshots, keeping the newest and the one served")
    pr.add_argument("--keep", type=_count, required=True, metavar="N",
                    help="how many of the newest snapshots to keep (the one served is always kept)")
    pr.add_argument("--data-dir", help=DATA_DIR_HELP)
    pr.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                    help=f"wait this long for a build to finish (default 0: stop at once, exit {EXIT_LOCKED})")
    pr.set_defaults(func=cmd_snapshot_prune)
    ls = snap_sub.add_parser("list", help="list snapshots and whether each verifies")
    ls.add_argument("--data-dir", help=DATA_DIR_HELP)
    ls.set_defaults(func=cmd_snapshot_list)
    v = snap_sub.add_parser("verify", help="recompute checksums; exit 1 on any mismatch")
    v.add_argument("--data-dir", help=DATA_DIR_HELP)
    v.add_argument("id", nargs="?", help="one snapshot id (default: all)")
    v.set_defaults(func=cmd_snapshot_verify)

    s = sub.add_parser("serve", help="serve the dashboard on the newest verified snapshot")
    s.add_argument("--data-dir", help=DATA_DIR_HELP)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8050, help="port to listen on (default 8050)")
    s.add_argument("--dev", action="store_true",
                   help="Flask's development server with its reloader and debug mode (default: gunicorn)")
    s.add_argument("--prod", action="store_true", help="gunicorn with production settings: the default, kept for "
                                                      "scripts that still say so")
    s.set_defaults(func=cmd_serve)

    d = sub.add_parser("demo-data", help="write a verified synthetic snapshot of a chosen size")
    d.add_argument("--scale", default="small", choices=("small", "world", "world-x20"),
                   help="how many rows (see dashboard/ingest/synthetic.py SCALES)")
    d.add_argument("--data-dir", help=DATA_DIR_HELP)
    d.add_argument("--seed", type=int, default=2026)
    d.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help=f"wait this long for a build or prune to finish (default 0: stop at once, exit {EXIT_LOCKED})")
    d.set_defaults(func=cmd_demo_data)

    k = sub.add_parser("bench", help="measure callbacks, memory, cold start, load, page weight and LCP "
                                     "(in a source checkout: runs its bench/ folder)")
    k.add_argument("--data-dir", help=DATA_DIR_HELP)
    k.add_argument("--json", help="where to write the results (default ./bench.json)")
    k.add_argument("--quick", action="store_true", help="few calls and a 5 s load run (for CI)")
    k.set_defaults(func=cmd_bench)

    r = sub.add_parser("brief", help="print a view's briefing (charts, sentences, tables, sources) to PDF")
    r.add_argument("--url", required=True, help="the view: a dashboard URL or path, e.g. /commitments?cycle=2018-2020")
    r.add_argument("--lang", choices=("en", "fr"), help="language (default: the view's)")
    r.add_argument("--out", required=True, help="the PDF to write")
    r.add_argument("--data-dir", help="data folder when no server answers at --url")
    r.set_defaults(func=cmd_brief)

    x = sub.add_parser("export-site", help="write a playlist as a static site that plays offline from file://")
    x.add_argument("--playlist", required=True, help="a playlist TOML file, e.g. playlists/default.toml")
    x.add_argument("--out", required=True, help="the folder to write (index.html and its files)")
    x.add_argument("--data-dir", help=DATA_DIR_HELP + "; the newest snapshot that verifies there is exported, as "
                                                      "`ogdash serve` would serve it, and its id is printed")
    x.set_defaults(func=cmd_export_site)

    q = sub.add_parser("query", help="run a named query (dashboard/queries/NAME.sql) on a snapshot, values bound as "
                                     "$parameters, and print or write its rows",
                       description="Run queries/NAME.sql on a snapshot with its $parameters bound (never spliced "
                                   "into the SQL). Every parameter the query takes must be given. Values are typed: "
                                   "YYYY-MM-DD a date, digits a number, true/false a boolean, empty or null a null, "
                                   "anything else (or anything in quotes) text. A list parameter (jurisdictions, "
                                   "levels, cycles, statuses) takes comma-separated values, the key repeated, or an "
                                   "empty value for no filter. An unknown query or parameter lists the known ones.")
    q.add_argument("name", help="the query: a file stem of dashboard/queries/, e.g. releases_by_period")
    q.add_argument("--param", action="append", type=_param, default=[], metavar="KEY=VALUE",
                   help="a $parameter, e.g. --param grain=year --param jurisdictions=ca,ca-qc (repeatable)")
    q.add_argument("--format", choices=QUERY_FORMATS, default="csv", help="csv (default), json or parquet")
    q.add_argument("--snapshot", help="snapshot id (default: the newest that verifies, the one `ogdash serve` serves)")
    q.add_argument("--base", help="a second snapshot id for the comparison queries (compare_*, snapshot_diff_*)")
    q.add_argument("--data-dir", help=DATA_DIR_HELP)
    q.add_argument("--output", help="the file to write (default: standard output; parquet needs one)")
    q.set_defaults(func=cmd_query)

    args = parser.parse_args(argv)
    if getattr(args, "dev", False) and getattr(args, "prod", False):
        parser.error("--dev and --prod contradict each other")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("ogdash: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if not _expected_failure(exc):
            raise  # a bug: its traceback is what a report needs
        print(f"ogdash: {exc}", file=sys.stderr)
        return 1


def _expected_failure(exc: Exception) -> bool:
    """Return True for an error that says what is wrong with the input or the machine (not a bug)."""
    known = (("dashboard.data", "NoSnapshot"), ("dashboard.data", "QueryError"),
             ("dashboard.snapshots", "SnapshotError"), ("dashboard.ingest.common", "IngestError"),
             ("dashboard.playlists", "PlaylistError"), ("dashboard.chromium", "BriefFailed"))
    classes = tuple(getattr(sys.modules[module], name) for module, name in known if module in sys.modules)
    return isinstance(exc, (OSError, *classes))


if __name__ == "__main__":
    sys.exit(main())
