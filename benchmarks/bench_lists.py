#!/usr/bin/env python
"""List benchmark: the pages and exports that must not grow with the county (issue 11), at
10,000 and 100,000 reserves in one county, beside the plain way a Django developer would do
them.

    python benchmarks/bench_lists.py [--reserves 10000 100000] [--repeat 3] [--only SCENARIO ...]

Each size runs on its own PostgreSQL database, ``<BENCH_DATABASE_URL>_<N>`` (default
``postgres://postgres:postgres@127.0.0.1:5432/reserve_cadre_bench_lists_<N>``), created
when missing, migrated, holding what ``python manage.py generate_province --reserves N
--counties 1`` writes (run once, in a child process, when the database has no generated
county yet; its time is printed), then ``ANALYZE``d (not timed; ``--no-analyze`` leaves the
planner without statistics where autovacuum is off). The generated county has about one active pairing for
three in four reserves in the pool, most of them overdue on some required form, and the
rest of the pool without a mentor; nothing is adjusted.

Every scenario runs in a fresh child process as the county's staff user (``province01``,
role county, logged in with ``Client.force_login``): one GET that is not counted (the
first request of a process compiles templates and fills caches; its time is printed as
"first"), then ``--repeat`` GETs, each timed with ``time.perf_counter()`` and its queries
counted with ``CaptureQueriesContext``; the median is quoted. The plain baselines
(benchmarks/plain_lists.py) are served under ``/plain/...`` by setting ``ROOT_URLCONF`` to
that module in the child, so both sides go through the same client, middleware and session.
Peak memory is the child's own peak RSS (VmHWM), Python and Django included (about 70 MiB
before any work).

Prints numbers and plain/ours ratios; asserts nothing. Results go to
benchmarks/out/lists-*.json.
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
DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/reserve_cadre_bench_lists"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"

# name: (URL, the plain baseline it is compared with, what it is)
SCENARIOS = {
    "compliance": ("/mentorship/compliance/", "plain_compliance", "compliance page (帮带督导)"),
    "plain_compliance": ("/plain/compliance/", None, "plain compliance page (before issue 11)"),
    "compliance_export": ("/mentorship/compliance/export.xlsx", "plain_compliance_export", "compliance export"),
    "plain_compliance_export": ("/plain/compliance/export.xlsx", None, "plain compliance export (import-export)"),
    "mentor_export": ("/mentorship/mentors/export.xlsx", "plain_mentor_export", "mentor pool export"),
    "plain_mentor_export": ("/plain/mentors/export.xlsx", None, "plain mentor export (import-export)"),
    "roster": ("/cadres/", None, "roster list page (花名册)"),
    "org": ("/org/", None, "organization overview (组织架构)"),
    "mentor_list": ("/mentorship/mentors/", None, "mentor pool page (导师库)"),
    "org_export": ("/org/export.xlsx", None, "organization export"),
}


def database_url(reserves: int) -> str:
    return f"{os.environ.get('BENCH_DATABASE_URL', DEFAULT_DATABASE_URL)}_{reserves}"


def setup_django(reserves: int) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = database_url(reserves)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("REPORTS_ROOT", str(Path(tempfile.gettempdir()) / "lists_bench" / "reports"))
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "lists_bench" / "media"))
    import django

    django.setup()


def peak_rss_mib() -> float:
    """VmHWM: the peak resident set size of this process since it was exec'ed."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


# --- the database (the parent, once per size) ---------------------------------------------


def prepare(reserves: int, *, analyze: bool) -> dict:
    """Migrate, generate the county when missing; count what the lists should hold."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from cadre.models import Cadre
    from common.database import ensure_database
    from demo.province import county_names
    from mentorship.models import Mentor, Pairing
    from mentorship.selectors import overdue_items, overdue_pairings, reserves_without_mentor
    from org.models import County, Village

    if ensure_database(settings.DATABASES["default"]):
        print(f"Created database {settings.DATABASES['default']['NAME']}.")
    call_command("migrate", verbosity=0, interactive=False)
    name = county_names(1)[0]
    generated_seconds = None
    if not County.objects.filter(name=name).exists():
        print(f"Generating {reserves:,} reserves in one county ...", flush=True)
        started = time.perf_counter()
        command = [sys.executable, "manage.py", "generate_province", "--reserves", str(reserves), "--counties", "1"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        subprocess.run(command, check=True, cwd=ROOT, env=env)
        generated_seconds = time.perf_counter() - started
    analyzed_seconds = None
    if analyze:
        # The generator writes with COPY in one transaction; with autovacuum off (as on the
        # machine of the results below) PostgreSQL would plan every query without statistics.
        from django.db import connection

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        analyzed_seconds = time.perf_counter() - started
    county = County.objects.get(name=name)
    user = User.objects.filter(county=county, role="county").order_by("pk").first()
    today = timezone.localdate()
    info = {
        "reserves_wanted": reserves,
        "database": settings.DATABASES["default"]["NAME"],
        "county": county.name,
        "user": user.username,
        "generated_seconds": generated_seconds,
        "analyzed_seconds": analyzed_seconds,
        "reserves": Cadre.objects.filter(village__township__county=county).count(),
        "villages": Village.objects.filter(township__county=county).count(),
        "mentors": Mentor.objects.filter(township__county=county).count(),
        "active_pairings": Pairing.objects.filter(
            cadre__village__township__county=county, ended_on__isnull=True
        ).count(),
        "overdue_items": overdue_items(user=user, today=today).count(),
        "without_mentor": reserves_without_mentor(user=user).count(),
    }
    # The baseline's rule in Python must find the same rows as the database's.
    info["overdue_items_plain"] = len(overdue_pairings(user=user, today=today))
    if info["reserves"] != reserves:
        print(f"WARNING: the database holds {info['reserves']:,} reserves in {name}, not {reserves:,}")
    if info["overdue_items_plain"] != info["overdue_items"]:
        print(
            f"WARNING: overdue rows differ: {info['overdue_items']:,} in the database, "
            f"{info['overdue_items_plain']:,} by overdue_pairings"
        )
    return info


# --- one scenario, in the child process --------------------------------------------------


def run_child(args) -> dict:
    setup_django(args.size)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    settings.ROOT_URLCONF = "benchmarks.plain_lists"
    url = SCENARIOS[args.scenario][0]
    result: dict = {"scenario": args.scenario, "url": url}
    try:
        client = Client()
        client.force_login(User.objects.get(username=args.user))
        gc.collect()
        start = time.perf_counter()
        response = client.get(url)
        result["first_seconds"] = time.perf_counter() - start
        result["status"] = response.status_code
        result["bytes"] = len(response.content)
        seconds, cpu, queries = [], [], []
        for _ in range(args.repeat):
            del response
            gc.collect()
            with CaptureQueriesContext(connection) as captured:
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(url)
                seconds.append(time.perf_counter() - start)
                cpu.append(time.process_time() - cpu_start)
            queries.append(len(captured.captured_queries))
        result.update(seconds=seconds, cpu_seconds=cpu, queries=queries)
        if response.status_code != 200:
            result["exception"] = f"HTTP {response.status_code}"
    except Exception as exc:
        result["exception"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()
    result["peak_mib"] = peak_rss_mib()
    return result


def spawn(scenario: str, size: int, info: dict, repeat: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--scenario", scenario, "--size", str(size)]
    command += ["--user", info["user"], "--repeat", str(repeat)]
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


def size_text(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reserves", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per scenario (after one untimed)")
    parser.add_argument("--only", choices=SCENARIOS, action="append", help="measure only these")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument(
        "--no-analyze", action="store_true", help="do not ANALYZE the database before measuring (see the README)"
    )
    # The child's arguments.
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.scenario:
        print("RESULT " + json.dumps(run_child(args), default=str), flush=True)
        return

    scenarios = args.only or [s for s in SCENARIOS if not (args.skip_plain and s.startswith("plain"))]
    infos, results = {}, {}
    for reserves in args.reserves:
        # Each size has its own database: prepare it in a child (Django connects once per process).
        analyze = "no-analyze" if args.no_analyze else "analyze"
        command = [sys.executable, str(Path(__file__).resolve()), "--prepare", str(reserves), analyze]
        proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            sys.exit(f"Preparing {reserves:,} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
        lines = proc.stdout.splitlines()
        print("\n".join(line for line in lines if not line.startswith("INFO ")), end="" if not lines else "\n")
        info = json.loads(next(line for line in reversed(lines) if line.startswith("INFO "))[len("INFO ") :])
        infos[reserves] = info
        print(
            f"\n== {info['reserves']:,} reserves ({info['database']}): {info['villages']:,} villages, "
            f"{info['mentors']:,} mentors, {info['active_pairings']:,} active pairings, "
            f"{info['overdue_items']:,} overdue items (plain rule: {info['overdue_items_plain']:,}), "
            f"{info['without_mentor']:,} reserves without a mentor; load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        if info["generated_seconds"]:
            print(f"Generated in {info['generated_seconds']:.1f} s (whole command).")
        if info["analyzed_seconds"] is not None:
            print(f"ANALYZE (not timed with the scenarios): {info['analyzed_seconds']:.1f} s.")
        for scenario in scenarios:
            outcome = spawn(scenario, reserves, info, args.repeat)
            outcome["load"] = os.getloadavg()[0]
            results[(reserves, scenario)] = outcome
            if "exception" in outcome:
                print(f"{scenario}: FAILED {outcome['exception']}\n{outcome.get('traceback', '')}", flush=True)
                continue
            print(
                f"{scenario}: median {statistics.median(outcome['seconds']):.3f} s "
                f"({', '.join(f'{s:.3f}' for s in outcome['seconds'])}; first {outcome['first_seconds']:.3f} s), "
                f"queries {outcome['queries']}, {size_text(outcome['bytes'])}, peak {outcome['peak_mib']:.0f} MiB",
                flush=True,
            )

    print_summary(scenarios, infos, results)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"lists-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    saved = {"infos": infos, "results": {f"{n}:{s}": r for (n, s), r in results.items()}}
    path.write_text(json.dumps(saved, indent=1, default=str))
    print(f"Saved {path.relative_to(ROOT)}")


def print_summary(scenarios: list[str], infos: dict, results: dict) -> None:
    import django
    import import_export

    print(
        f"\nMachine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, django-import-export {import_export.__version__}; "
        f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    print("| scenario | reserves | median s | min–max s | median CPU s | queries | response | peak MiB | plain/ours |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for reserves in infos:
        for scenario in scenarios:
            r = results.get((reserves, scenario))
            label = SCENARIOS[scenario][2]
            if r is None or "exception" in r:
                print(f"| {label} | {reserves:,} | failed | | | | | | |")
                continue
            median = statistics.median(r["seconds"])
            ratio = ""
            plain = SCENARIOS[scenario][1]
            other = results.get((reserves, plain)) if plain else None
            if other and "exception" not in other:
                ratio = f"{statistics.median(other['seconds']) / median:.1f}x"
            queries = sorted(set(r["queries"]))
            print(
                f"| {label} | {reserves:,} | {median:.3f} | {min(r['seconds']):.3f}–{max(r['seconds']):.3f} "
                f"| {statistics.median(r['cpu_seconds']):.3f} | {'/'.join(map(str, queries))} "
                f"| {size_text(r['bytes'])} | {r['peak_mib']:.0f} | {ratio} |"
            )
    sizes = sorted(infos)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        print(f"\nGrowth from {small:,} to {large:,} reserves (median time, queries):")
        for scenario in scenarios:
            a, b = results.get((small, scenario)), results.get((large, scenario))
            if not a or not b or "exception" in a or "exception" in b:
                continue
            ta, tb = statistics.median(a["seconds"]), statistics.median(b["seconds"])
            print(
                f"- {SCENARIOS[scenario][2]}: {ta:.3f} s -> {tb:.3f} s ({tb / ta:.1f}x), "
                f"queries {max(a['queries'])} -> {max(b['queries'])}"
            )


def prepare_main(reserves: int, analyze: bool) -> None:
    setup_django(reserves)
    info = prepare(reserves, analyze=analyze)
    info["postgres"] = postgres_version()
    print("INFO " + json.dumps(info, default=str), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--prepare":
        prepare_main(int(sys.argv[2]), sys.argv[3] == "analyze")
    else:
        main()
