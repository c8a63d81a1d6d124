#!/usr/bin/env python
"""Roster import benchmark: the fast importer (cadre.roster.roster_import) against the
plain django-import-export ModelResource a Django developer would write first.

    python benchmarks/bench_import.py [--rows 10000 100000] [--baseline-max-rows 10000]

Runs on its own PostgreSQL database (reserve_cadre_bench, created when missing; set
BENCH_DATABASE_URL to use another), migrated, with one county of 7 townships and 70
villages and a county user to import as. Each scenario runs in a fresh subprocess, so the
peak memory reported is that scenario's own: the child's peak RSS (VmHWM), Python and
Django included. (Not ru_maxrss: Linux carries it over from the parent through fork and
exec, so a child of a large parent reports the parent's size.)
The time is measured around the import call only: generating the file is not timed (files
are cached in benchmarks/out/), neither is clearing the tables before a scenario. For the
plain baseline the time includes reading the workbook into a tablib Dataset, as the fast
importer's call includes reading the file.

Scenarios for each N: the fast importer's dry run and real import on an empty database,
the re-import of the same file (nothing should change) and of the file with 1% of rows
changed; the plain resource's dry run and real import on an empty database (when N is
larger than --baseline-max-rows, the whole file is read and timed but only its first
--baseline-max-rows rows are imported, and that part of the time is extrapolated
linearly); and once, the dry run of a 2,000-row single-township file (the work of the
browser preview).

Prints numbers, ratios and whether the targets were met; asserts nothing.
"""

import argparse
import datetime as dt
import gc
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/reserve_cadre_bench"
SEED = 20260101
PREVIEW_ROWS = 2000
CHANGE_FRACTION = 0.01
BENCH_USERNAME = "bench-county"
PREVIEW_TOWNSHIP = "白水镇"
TARGET_SECONDS = 20.0
TARGET_SPEEDUP = 15.0
TARGET_PEAK_MIB = 1024.0
TARGET_PREVIEW_SECONDS = 3.0


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    import django

    django.setup()


# --- database --------------------------------------------------------------------------


def ensure_database() -> None:
    """Create the benchmark database when it does not exist (after django.setup(), before
    anything connects)."""
    from django.conf import settings

    from common.database import ensure_database as create_if_missing

    if create_if_missing(settings.DATABASES["default"]):
        print(f"Created database {settings.DATABASES['default']['NAME']}.")


def bench_villages() -> list[tuple[str, str]]:
    from demo.cadre import TOWNSHIPS

    return [(township, village) for township, villages in TOWNSHIPS for village in villages]


def prepare_database() -> None:
    """Migrate, create the county, its townships and villages, and the county user."""
    from django.core.management import call_command

    from accounts.models import Role, User
    from benchmarks.roster_files import COUNTY_NAME
    from org.models import County
    from org.services import village_get_or_create

    call_command("migrate", verbosity=0, interactive=False)
    for township, village in bench_villages():
        village_get_or_create(county_name=COUNTY_NAME, township_name=township, village_name=village)
    county = County.objects.get(name=COUNTY_NAME)
    user, created = User.objects.get_or_create(
        username=BENCH_USERNAME, defaults={"role": Role.COUNTY, "county": county, "last_name": "基准"}
    )
    if created:
        user.set_unusable_password()
        user.save()


def reset_cadres() -> None:
    """Empty the cadre table and its history (and what refers to them) for a fresh start."""
    from django.db import connection

    from cadre.models import Cadre

    tables = [Cadre._meta.db_table, Cadre.history.model._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} CASCADE")


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


# --- one scenario, in the child process --------------------------------------------------


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    """VmHWM: the peak resident set size of this process since it was exec'ed."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_scenario(args) -> dict:
    setup_django()
    from resource import RUSAGE_SELF, getrusage

    from accounts.models import User
    from cadre.models import Cadre

    if args.reset:
        reset_cadres()
    path = Path(args.file)
    dry_run = args.scenario.endswith("dry")
    result: dict = {"scenario": args.scenario, "file": path.name, "dry_run": dry_run}

    if args.scenario.startswith("fast"):
        from cadre.roster import roster_import

        user = User.objects.get(username=BENCH_USERNAME)
        gc.collect()
        result["rss_before_mib"] = current_rss_mib()
        start = time.perf_counter()
        try:
            report = roster_import(str(path), user=user, dry_run=dry_run, filename=path.name)
        except Exception as exc:
            result["seconds"] = time.perf_counter() - start
            result["exception"] = f"{type(exc).__name__}: {exc}"
            result["traceback"] = traceback.format_exc()
        else:
            result["seconds"] = time.perf_counter() - start
            result["counts"] = dict(report.counts)
            result["ok"] = bool(report.ok)
            result["error_count"] = len(report.errors)
            result["first_errors"] = [f"row {e.row} {e.column}: {e.message}" for e in list(report.errors)[:5]]
        result["rows_processed"] = args.n
    else:
        import tablib

        from benchmarks.plain_resource import PlainCadreResource, PlainCadreResourceWithClean, load_dataset

        with_clean = args.scenario.startswith("plainclean")
        resource = PlainCadreResourceWithClean() if with_clean else PlainCadreResource()
        gc.collect()
        result["rss_before_mib"] = current_rss_mib()
        start = time.perf_counter()
        try:
            dataset = load_dataset(path)
            result["read_seconds"] = time.perf_counter() - start
            result["rows_read"] = len(dataset)
            if args.limit and len(dataset) > args.limit:
                # The whole file is read (and timed) as the full import would; only the
                # import of its first rows is timed, to be extrapolated by the parent.
                dataset = tablib.Dataset(*dataset[: args.limit], headers=dataset.headers)
            import_start = time.perf_counter()
            outcome = resource.import_data(dataset, dry_run=dry_run, raise_errors=False, use_transactions=True)
            result["import_seconds"] = time.perf_counter() - import_start
        except Exception as exc:
            result["seconds"] = time.perf_counter() - start
            result["exception"] = f"{type(exc).__name__}: {exc}"
            result["traceback"] = traceback.format_exc()
            result["rows_processed"] = 0
        else:
            result["seconds"] = time.perf_counter() - start
            result["rows_processed"] = len(dataset)
            totals = dict(outcome.totals)
            result["counts"] = {
                "created": totals.get("new", 0),
                "updated": totals.get("update", 0),
                "unchanged": totals.get("skip", 0),
                "errors": totals.get("error", 0) + totals.get("invalid", 0),
            }
            errors = [f"file: {e.error}" for e in outcome.base_errors]
            errors += [f"row {number}: {errs[0].error!r}" for number, errs in outcome.row_errors()]
            errors += [f"row {inv.number}: {inv.error_dict}" for inv in outcome.invalid_rows]
            result["ok"] = not errors
            result["error_count"] = len(outcome.base_errors) + result["counts"]["errors"]
            result["first_errors"] = errors[:5]

    # This process image's own peak RSS. ru_maxrss would do, but Linux carries it over
    # from the parent through fork and exec, so the parent's size would show instead.
    result["peak_mib"] = peak_rss_mib()
    result["ru_maxrss_mib"] = getrusage(RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    result["db_cadres"] = Cadre.objects.count()
    result["db_history"] = Cadre.history.count()
    return result


# --- the parent: files, scenarios, table ------------------------------------------------


def spawn(scenario: str, file: Path, n: int, *, reset: bool, limit: int | None = None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--scenario", scenario, "--file", str(file)]
    command += ["--n", str(n)]
    if reset:
        command.append("--reset")
    if limit:
        command += ["--limit", str(limit)]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    return {
        "scenario": scenario,
        "file": file.name,
        "exception": f"child exited with {proc.returncode}",
        "traceback": (proc.stderr or proc.stdout)[-3000:],
    }


def fast_importer_status() -> str | None:
    """None when cadre.roster exports roster_import, else why not."""
    try:
        from cadre.roster import roster_import  # noqa: F401
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def plan(
    n: int, files: dict, baseline_max_rows: int, *, fast: bool, plain: bool, plain_clean: bool = False
) -> list[dict]:
    changed = round(n * CHANGE_FRACTION)
    steps = []
    if fast:
        steps += [
            {
                "label": "fast dry run (empty DB)",
                "scenario": "fast-dry",
                "file": files[0.0],
                "reset": True,
                "expect": {"created": n, "updated": 0, "unchanged": 0, "errors": 0},
                "expect_db": (0, 0),
                "pair": "dry",
            },
            {
                "label": "fast import (empty DB)",
                "scenario": "fast-import",
                "file": files[0.0],
                "reset": True,
                "expect": {"created": n, "updated": 0, "unchanged": 0, "errors": 0},
                "expect_db": (n, n),
                "pair": "import",
            },
            {
                "label": "fast re-import, unchanged",
                "scenario": "fast-reimport",
                "file": files[0.0],
                "reset": False,
                "expect": {"created": 0, "updated": 0, "unchanged": n, "errors": 0},
                "expect_db": (n, n),
            },
            {
                "label": f"fast re-import, {CHANGE_FRACTION:.0%} changed",
                "scenario": "fast-reimport",
                "file": files[CHANGE_FRACTION],
                "reset": False,
                "expect": {"created": 0, "updated": changed, "unchanged": n - changed, "errors": 0},
                "expect_db": (n, n + changed),
            },
        ]
    limit = baseline_max_rows if n > baseline_max_rows else None
    rows = limit or n
    for kind, label, wanted in (("plain", "plain", plain), ("plainclean", "plain + full_clean", plain_clean)):
        if not wanted:
            continue
        steps += [
            {
                "label": f"{label} dry run (empty DB)",
                "scenario": f"{kind}-dry",
                "file": files[0.0],
                "reset": True,
                "limit": limit,
                "expect": {"created": rows, "updated": 0, "unchanged": 0, "errors": 0},
                "expect_db": (0, 0),
                "pair": "dry",
            },
            {
                "label": f"{label} import (empty DB)",
                "scenario": f"{kind}-import",
                "file": files[0.0],
                "reset": True,
                "limit": limit,
                "expect": {"created": rows, "updated": 0, "unchanged": 0, "errors": 0},
                "expect_db": (rows, rows),
                "pair": "import",
            },
        ]
    return steps


def check(step: dict, result: dict) -> list[str]:
    """What differs from what the scenario should produce (printed as warnings)."""
    if "exception" in result:
        return [f"FAILED: {result['exception']}", *result.get("traceback", "").rstrip().splitlines()[-12:]]
    warnings = []
    counts = result.get("counts", {})
    wrong = {k: (counts.get(k), v) for k, v in step["expect"].items() if counts.get(k) != v}
    if wrong:
        shown = ", ".join(f"{k}={got} (expected {want})" for k, (got, want) in wrong.items())
        warnings.append(f"counts differ: {shown}")
    if result.get("ok") is False or result.get("error_count"):
        warnings.append(f"{result.get('error_count')} errors (report.ok={result.get('ok')}); first ones:")
        warnings += [f"  {e}" for e in result.get("first_errors", [])]
    cadres, history = step["expect_db"]
    if (result.get("db_cadres"), result.get("db_history")) != (cadres, history):
        warnings.append(
            f"database afterwards: {result.get('db_cadres')} cadres, {result.get('db_history')} history rows "
            f"(expected {cadres} and {history})"
        )
    return warnings


def fmt_seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def print_table(rows: list[dict]) -> None:
    header = ("scenario", "N", "seconds", "rows/s", "peak MiB", "fast/plain", "note")
    lines = []
    for row in rows:
        lines.append(
            (
                row["label"],
                f"{row['n']:,}",
                ("~" if row.get("extrapolated") else "") + fmt_seconds(row.get("seconds")),
                "-" if not row.get("rows_per_second") else f"{row['rows_per_second']:,.0f}",
                "-" if row.get("peak_mib") is None else f"{row['peak_mib']:,.0f}",
                f"{row['ratio']:.1f}x" if row.get("ratio") else "",
                row.get("note", ""),
            )
        )
    widths = [max(_width(str(x)) for x in column) for column in zip(header, *lines, strict=True)]
    for i, line in enumerate([header, *lines]):
        print(
            "  ".join(_pad(str(cell), w, right=0 < j < 6) for j, (cell, w) in enumerate(zip(line, widths, strict=True)))
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def markdown_table(rows: list[dict]) -> str:
    out = [
        "| scenario | N | seconds | rows/s | peak MiB | fast/plain | note |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        out.append(
            "| {} | {:,} | {}{} | {} | {} | {} | {} |".format(
                row["label"],
                row["n"],
                "~" if row.get("extrapolated") else "",
                fmt_seconds(row.get("seconds")),
                "-" if not row.get("rows_per_second") else f"{row['rows_per_second']:,.0f}",
                "-" if row.get("peak_mib") is None else f"{row['peak_mib']:,.0f}",
                f"{row['ratio']:.1f}x" if row.get("ratio") else "",
                row.get("note", ""),
            )
        )
    return "\n".join(out)


def targets(rows: list[dict]) -> list[str]:
    lines = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    for row in rows:
        if "seconds" not in row or row.get("failed"):
            continue
        if row["scenario"] in ("fast-import", "fast-reimport") and row["n"] >= 100_000:
            lines.append(
                f"{row['label']}, N={row['n']:,}: {row['seconds']:.2f} s "
                f"(target < {TARGET_SECONDS:.0f} s) {verdict(row['seconds'] < TARGET_SECONDS)}"
            )
        if row.get("ratio") and row["scenario"].startswith("fast"):
            lines.append(
                f"{row['label']}, N={row['n']:,}: {row['ratio']:.1f}x the plain default "
                f"(target >= {TARGET_SPEEDUP:.0f}x) {verdict(row['ratio'] >= TARGET_SPEEDUP)}"
            )
        if row.get("ratio_clean"):
            lines.append(
                f"{row['label']}, N={row['n']:,}: {row['ratio_clean']:.1f}x the plain resource with "
                "clean_model_instances=True (for information)"
            )
        if row["scenario"] == "fast-preview":
            lines.append(
                f"{row['label']}: {row['seconds']:.2f} s (target < {TARGET_PREVIEW_SECONDS:.0f} s) "
                f"{verdict(row['seconds'] < TARGET_PREVIEW_SECONDS)}"
            )
    fast_peaks = [r["peak_mib"] for r in rows if r["scenario"].startswith("fast") and r.get("peak_mib")]
    if fast_peaks:
        peak = max(fast_peaks)
        lines.append(
            f"highest peak memory of the fast importer: {peak:,.0f} MiB "
            f"(target < {TARGET_PEAK_MIB:,.0f} MiB) {verdict(peak < TARGET_PEAK_MIB)}"
        )
    return lines


def run_all(args) -> int:
    setup_django()
    ensure_database()
    from benchmarks.roster_files import roster_files, township_file

    prepare_database()
    print(
        f"Machine: {os.cpu_count()} cores ({platform.machine()}, Python {platform.python_version()}), "
        f"PostgreSQL {postgres_version()}, database {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}"
    )
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print(f"Load average at start: {load} (other work on the machine skews the times)")
    missing = "skipped (--skip-fast)" if args.skip_fast else fast_importer_status()
    if args.skip_fast:
        print("Fast importer skipped (--skip-fast).")
    elif missing:
        print(f"Fast importer not run: cadre.roster.roster_import unavailable ({missing})")
    villages = bench_villages()
    print(f"County: 1 county, {len({t for t, _ in villages})} townships, {len(villages)} villages.\n")

    rows: list[dict] = []
    warnings: list[tuple[str, list[str]]] = []

    def record(step: dict, n: int, result: dict) -> dict:
        row = {"label": step["label"], "scenario": step["scenario"], "n": n, "pair": step.get("pair")}
        row["file"] = result.get("file")
        row["counts"] = result.get("counts")
        row["db"] = (result.get("db_cadres"), result.get("db_history"))
        if "exception" in result:
            row["failed"] = True
            row["note"] = "FAILED: " + result["exception"][:80]
            row["seconds"] = result.get("seconds")
        else:
            processed = result.get("rows_processed") or n
            seconds = result["seconds"]
            row["measured_seconds"] = seconds
            row["measured_rows"] = processed
            if processed < n:
                # The whole file was read; the import ran on the first rows only.
                row["extrapolated"] = True
                seconds = result["read_seconds"] + result["import_seconds"] * n / processed
            row["seconds"] = seconds
            row["rows_per_second"] = n / seconds if seconds else None
            row["peak_mib"] = result.get("peak_mib")
            row["ru_maxrss_mib"] = result.get("ru_maxrss_mib")
            row["rss_before_mib"] = result.get("rss_before_mib")
            if "read_seconds" in result:
                row["read_seconds"] = result["read_seconds"]
                row["import_seconds"] = result["import_seconds"]
                if processed < n:
                    row["note"] = (
                        f"extrapolated: reading {result['read_seconds']:.1f} s (all rows) + "
                        f"import {result['import_seconds']:.1f} s for the first {processed:,} rows "
                        f"x {n / processed:g}; peak MiB at {processed:,} rows"
                    )
                else:
                    row["note"] = f"incl. {result['read_seconds']:.1f} s reading the file"
        problems = check(step, result)
        if problems:
            warnings.append((f"{step['label']}, N={n:,}", problems))
            if not row.get("note", "").startswith("FAILED"):
                row["note"] = ("WARNING (see below); " + row.get("note", "")).rstrip("; ")
        rows.append(row)
        shown = "FAILED" if row.get("failed") else f"{row['seconds']:.2f} s"
        print(f"  {step['label']:<34} N={n:>7,}: {shown}", flush=True)
        return row

    for n in args.rows:
        start = time.perf_counter()
        files = roster_files(n, villages, SEED, (0.0, CHANGE_FRACTION))
        generated = [p.name for p, new in files.values() if new]
        elapsed = time.perf_counter() - start
        print(
            f"N={n:,}: "
            + (f"generated {', '.join(generated)} in {elapsed:.1f} s" if generated else "files cached")
            + " (not timed)",
            flush=True,
        )
        paths = {fraction: path for fraction, (path, _new) in files.items()}
        n_rows = []
        steps = plan(
            n,
            paths,
            args.baseline_max_rows,
            fast=not missing,
            plain=not args.skip_plain,
            plain_clean=args.with_clean_baseline,
        )
        for step in steps:
            result = spawn(step["scenario"], step["file"], n, reset=step["reset"], limit=step.get("limit"))
            n_rows.append(record(step, n, result))
        by_pair = {}
        for row in n_rows:
            if row.get("pair") and not row.get("failed"):
                by_pair.setdefault(row["pair"], {})[row["scenario"].split("-")[0]] = row
        for pair in by_pair.values():
            if "fast" in pair and "plain" in pair:
                pair["fast"]["ratio"] = pair["plain"]["seconds"] / pair["fast"]["seconds"]
            if "fast" in pair and "plainclean" in pair:
                pair["fast"]["ratio_clean"] = pair["plainclean"]["seconds"] / pair["fast"]["seconds"]

    if not missing and args.preview_rows:
        from demo.cadre import TOWNSHIPS

        township_villages = dict(TOWNSHIPS)[PREVIEW_TOWNSHIP]
        path, new = township_file(args.preview_rows, PREVIEW_TOWNSHIP, township_villages, SEED + 1)
        print(f"Preview file {path.name}: {'generated' if new else 'cached'} (not timed)")
        step = {
            "label": "fast preview: 1 township dry run",
            "scenario": "fast-preview-dry",
            "file": path,
            "reset": True,
            "expect": {"created": args.preview_rows, "updated": 0, "unchanged": 0, "errors": 0},
            "expect_db": (0, 0),
        }
        row = record(step, args.preview_rows, spawn(step["scenario"], path, args.preview_rows, reset=True))
        row["scenario"] = "fast-preview"

    print("\nLoad average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print("Time: around the import call only (file generation and table clearing not timed).")
    print("fast/plain: plain seconds / fast seconds for the same file and scenario (rows/s ratio).")
    print("peak MiB: peak RSS (VmHWM) of the scenario's own process, Python and Django included.\n")
    print_table(rows)
    summary = targets(rows)
    if summary:
        print("\nTargets:")
        for line in summary:
            print(f"  {line}")
    if warnings:
        print("\nWarnings:")
        for label, problems in warnings:
            print(f"  {label}:")
            for problem in problems:
                print(f"    {problem}")

    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"results-{stamp}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    (out / f"results-{stamp}.md").write_text(markdown_table(rows) + "\n")
    print(f"\nResults saved to benchmarks/out/results-{stamp}.json and .md")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000], help="roster sizes N")
    parser.add_argument(
        "--baseline-max-rows",
        type=int,
        default=10_000,
        help="run the plain baseline on at most this many rows and extrapolate beyond",
    )
    parser.add_argument("--preview-rows", type=int, default=PREVIEW_ROWS, help="rows of the preview file (0: skip)")
    parser.add_argument("--skip-plain", action="store_true", help="leave out the plain baseline")
    parser.add_argument("--skip-fast", action="store_true", help="leave out the fast importer")
    parser.add_argument(
        "--with-clean-baseline",
        action="store_true",
        help="also run the plain resource with clean_model_instances=True (slower still)",
    )
    # Internal: run one scenario in this process (the parent re-invokes itself with these).
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reset", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scenario:
        print("RESULT " + json.dumps(run_scenario(args), ensure_ascii=False, default=str), flush=True)
        return 0
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
