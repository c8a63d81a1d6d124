#!/usr/bin/env python
"""Monthly report benchmark: the subsidy and summary reports (reports.services) for a
generated 100,000-reserve province, beside a plain django-import-export export of the same
subsidy lines.

    python benchmarks/bench_reports.py [--reserves 100000] [--counties 1] [--runs 3] [--profile]

Runs on its own PostgreSQL database (reserve_cadre_reports_bench, created when missing; set
BENCH_DATABASE_URL to use another), migrated, holding what
``python manage.py generate_province --reserves N --counties K`` generates (run once, in a
child process, when the database has no generated county yet; its time is printed). With
the default ``--counties 1`` one county holds all N reserves, so one county-scope report
covers the whole province: the reports run for a county scope.

Each measurement runs in a fresh child process, ``--runs`` times; the medians are printed.
- subsidy / summary: ``report_request(kind=..., month=last month, county_id=...)``, then
  ``report_build(run_id)`` timed: what the worker does for a report (reading the data,
  writing the .xlsx and, for the subsidy report, the PDF, storing the files).
- plain: ``PlainSubsidyLineResource().export(queryset).export("xlsx")`` written to a file
  (benchmarks/plain_subsidy.py), timed the same way.
Peak memory is the child's own peak RSS (VmHWM), Python and Django included (not
ru_maxrss: Linux carries it over from the parent through fork and exec).
``--profile`` also runs each report once under pyinstrument (pip install pyinstrument) and
writes the profile to benchmarks/out/profile-<kind>.txt.

Prints numbers, the plain/report ratio and whether the 15 s target was met; asserts nothing.
"""

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/reserve_cadre_reports_bench"
TARGET_SECONDS = 15.0
KINDS = ("subsidy", "summary")
# The subsidy report of the largest township: small enough for its PDF (the county's is
# xlsx only above settings.REPORTS_PDF_MAX_LINES lines).
TOWNSHIP_SCENARIO = "subsidy_township"


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REPORTS_ROOT", str(Path(tempfile.gettempdir()) / "reports_bench"))
    import django

    django.setup()


def peak_rss_mib() -> float:
    """VmHWM: the peak resident set size of this process since it was exec'ed."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


# --- the database ------------------------------------------------------------------------


def prepare(args) -> dict:
    """Migrate, generate the province when missing; return what the children need."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from cadre.models import Cadre
    from common.database import ensure_database
    from demo.province import county_names
    from org.models import County
    from subsidies.models import SubsidyLine

    if ensure_database(settings.DATABASES["default"]):
        print(f"Created database {settings.DATABASES['default']['NAME']}.")
    call_command("migrate", verbosity=0, interactive=False)
    names = county_names(args.counties)
    generated_seconds = None
    if not County.objects.filter(name=names[0]).exists():
        print(f"Generating the province: {args.reserves:,} reserves in {args.counties} county(ies) ...", flush=True)
        started = time.perf_counter()
        command = [sys.executable, "manage.py", "generate_province", "--reserves", str(args.reserves)]
        command += ["--counties", str(args.counties)]
        subprocess.run(
            command, check=True, cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        )
        generated_seconds = time.perf_counter() - started
    counties = list(County.objects.filter(name__in=names).order_by("name"))
    from reports.services import last_month

    month = last_month(timezone.localdate())
    reserves = Cadre.objects.filter(village__township__county__in=counties).count()
    if not SubsidyLine.objects.filter(sheet__county__in=counties, sheet__month=month).exists():
        # Generated before subsidies could compute, or in an earlier month: last month's sheet now.
        from subsidies.services import sheet_compute

        print(f"Computing the subsidy sheets of {month:%Y-%m} ...", flush=True)
        for county in counties:
            sheet_compute(county_id=county.pk, month=month)
    lines = SubsidyLine.objects.filter(sheet__county__in=counties, sheet__month=month).count()
    if reserves != args.reserves:
        print(f"WARNING: the database holds {reserves:,} reserves in {names[0]}.., not {args.reserves:,}")
    return {
        "counties": [c.pk for c in counties],
        "county_names": [c.name for c in counties],
        "month": month.isoformat(),
        "reserves": reserves,
        "subsidy_lines": lines,
        "generated_seconds": generated_seconds,
    }


# --- one measurement, in the child process -----------------------------------------------


def run_child(args) -> dict:
    setup_django()
    month = dt.date.fromisoformat(args.month)
    county_ids = [int(pk) for pk in args.county_ids.split(",")]
    result: dict = {"scenario": args.scenario}
    gc.collect()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
    try:
        if args.scenario == "plain":
            from benchmarks.plain_subsidy import plain_export

            with tempfile.TemporaryDirectory() as tmp:
                start, cpu_start = time.perf_counter(), time.process_time()
                rows = 0
                for county_id in county_ids:
                    path = str(Path(tmp) / f"plain-{county_id}.xlsx")
                    rows += plain_export(county_id=county_id, month=month, path=path)
                result["seconds"] = time.perf_counter() - start
                result["cpu_seconds"] = time.process_time() - cpu_start
                result["bytes"] = sum(p.stat().st_size for p in Path(tmp).iterdir())
            result["rows"] = rows
        else:
            from reports.models import ReportRun
            from reports.services import report_build, report_request

            if args.scenario == TOWNSHIP_SCENARIO:
                township_id, county_id = largest_township(county_ids)
                runs = [report_request(kind="subsidy", month=month, county_id=county_id, township_id=township_id,
                                       enqueue=False)]  # fmt: skip
                result["township_lines"] = township_lines(township_id, month)
            else:
                kind = args.scenario
                runs = [report_request(kind=kind, month=month, county_id=pk, enqueue=False) for pk in county_ids]
            if profiler:
                profiler.start()
            start, cpu_start = time.perf_counter(), time.process_time()
            for run in runs:
                report_build(run.pk)
            result["seconds"] = time.perf_counter() - start
            result["cpu_seconds"] = time.process_time() - cpu_start
            if profiler:
                profiler.stop()
                OUT.mkdir(exist_ok=True)
                path = OUT / f"profile-{args.scenario}.txt"
                path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
                result["profile"] = str(path.relative_to(ROOT))
            done = list(ReportRun.objects.filter(pk__in=[r.pk for r in runs]))
            result["statuses"] = sorted({r.status for r in done})
            result["errors"] = [r.error[:500] for r in done if r.error]
            result["bytes"] = sum(r.file.size for r in done if r.file)
            result["pdf_bytes"] = sum(r.pdf.size for r in done if r.pdf)
    except Exception as exc:
        result["exception"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()
    result["peak_mib"] = peak_rss_mib()
    return result


def largest_township(county_ids: list[int]) -> tuple[int, int]:
    from django.db.models import Count

    from org.models import Township

    township = (
        Township.objects.filter(county_id__in=county_ids)
        .annotate(n=Count("villages__cadres"))
        .order_by("-n", "pk")
        .first()
    )
    return township.pk, township.county_id


def township_lines(township_id: int, month: dt.date) -> int:
    from subsidies.models import SubsidyLine

    return SubsidyLine.objects.filter(township_id=township_id, sheet__month=month).count()


def spawn(scenario: str, info: dict, *, profile: bool = False) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--scenario", scenario, "--month", info["month"]]
    command += ["--county-ids", ",".join(str(pk) for pk in info["counties"])]
    if profile:
        command.append("--profile")
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    return {"scenario": scenario, "exception": f"child exited with {proc.returncode}", "traceback": proc.stderr[-3000:]}


# --- the parent --------------------------------------------------------------------------


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reserves", type=int, default=100_000)
    parser.add_argument("--counties", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument(
        "--only", choices=(*KINDS, TOWNSHIP_SCENARIO, "plain"), action="append", help="measure only these"
    )
    parser.add_argument("--profile", action="store_true", help="also profile each report once (pyinstrument)")
    # The child's arguments.
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--month", help=argparse.SUPPRESS)
    parser.add_argument("--county-ids", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.scenario:
        print("RESULT " + json.dumps(run_child(args), default=str), flush=True)
        return

    setup_django()
    info = prepare(args)
    import django
    import import_export

    print(
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, "
        f"PostgreSQL {postgres_version()}, Django {django.get_version()}, "
        f"django-import-export {import_export.__version__}; load average {os.getloadavg()[0]:.2f}"
    )
    if info["generated_seconds"]:
        print(f"Generated the province in {info['generated_seconds']:.1f} s (whole command).")
    print(
        f"Scope: {', '.join(info['county_names'])}: {info['reserves']:,} reserves, "
        f"{info['subsidy_lines']:,} subsidy lines for {info['month'][:7]}.\n"
    )
    scenarios = args.only or [*KINDS, TOWNSHIP_SCENARIO, *([] if args.skip_plain else ["plain"])]
    results: dict[str, list[dict]] = {}
    for scenario in scenarios:
        results[scenario] = []
        for number in range(args.runs):
            outcome = spawn(scenario, info)
            results[scenario].append(outcome)
            if "exception" in outcome:
                print(f"{scenario} run {number + 1}: FAILED {outcome['exception']}\n{outcome.get('traceback', '')}")
                break
            print(
                f"{scenario} run {number + 1}: {outcome['seconds']:.2f} s, peak {outcome['peak_mib']:.0f} MiB",
                flush=True,
            )
        if args.profile and scenario != "plain":
            outcome = spawn(scenario, info, profile=True)
            print(f"{scenario} profiled: {outcome.get('profile') or outcome.get('exception')}")

    def median(scenario: str, key: str) -> float | None:
        values = [r[key] for r in results.get(scenario, []) if key in r and "exception" not in r]
        return statistics.median(values) if values else None

    print("\n| measurement | runs | median s | min–max s | median CPU s | peak MiB | file | target |")
    print("|---|--:|--:|--:|--:|--:|--:|---|")
    for scenario in scenarios:
        ok = [r for r in results[scenario] if "exception" not in r]
        if not ok:
            print(f"| {scenario} | 0 | failed | | | | | |")
            continue
        seconds = [r["seconds"] for r in ok]
        size = sum(r.get("bytes", 0) for r in ok[:1]) / 2**20
        pdf = ok[0].get("pdf_bytes", 0) / 2**20
        file = f"{size:.1f} MiB xlsx" + (f" + {pdf:.1f} MiB pdf" if pdf else "")
        if "township_lines" in ok[0]:
            file += f" ({ok[0]['township_lines']:,} lines)"
        target = "" if scenario == "plain" else ("met" if statistics.median(seconds) < TARGET_SECONDS else "NOT met")
        target = f"< {TARGET_SECONDS:.0f} s, {target}" if target else ""
        print(
            f"| {scenario} | {len(ok)} | {statistics.median(seconds):.2f} | {min(seconds):.2f}–{max(seconds):.2f} "
            f"| {statistics.median(r['cpu_seconds'] for r in ok):.2f} "
            f"| {max(r['peak_mib'] for r in ok):.0f} | {file} | {target} |"
        )
    plain, subsidy = median("plain", "seconds"), median("subsidy", "seconds")
    if plain and subsidy:
        print(f"\nplain export / subsidy report: {plain / subsidy:.2f}x (median {plain:.2f} s against {subsidy:.2f} s)")
        plain_cpu, subsidy_cpu = median("plain", "cpu_seconds"), median("subsidy", "cpu_seconds")
        ratio = plain_cpu / subsidy_cpu
        print(f"by this process's CPU time: {ratio:.2f}x ({plain_cpu:.2f} s against {subsidy_cpu:.2f} s)")
    OUT.mkdir(exist_ok=True)
    path = OUT / f"reports-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"info": info, "results": results}, indent=1, default=str))
    print(f"Saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
