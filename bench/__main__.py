"""`python -m bench` (or `make bench BENCH_ARGS="..."`): generate province-scale data into the
database named by DATABASE_URL (once; reused while the scale matches), then time each scenario
and print a table. Use PostgreSQL, the production database:

    createdb -h 127.0.0.1 -U postgres kp_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench make bench BENCH_ARGS="--markdown"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench_small make bench BENCH_ARGS="--scale 0.01"

It refuses the default SQLite file under var/ (it would fill the demo database with 200,000 rows)
unless --allow-sqlite is given.
"""

import argparse
import os
import platform
import shlex
import sys
import time
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = province scale (200,000 contacts, 50,000 projects); 0.01 quick"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests before timing (default 3)")
    parser.add_argument(
        "--only",
        nargs="*",
        help="run only scenarios whose name contains one of these words "
        "(also 'contacts export', 'projects export', 'open data', 'ledger import', and by name only 'export ratios')",
    )
    parser.add_argument("--no-exports", action="store_true", help="skip the export memory measurements")
    parser.add_argument("--no-import", action="store_true", help="skip the 10,000-row ledger import")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the data already generated even when it was generated at another scale",
    )
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="drop the data (unapply and re-apply the migrations) and generate it again",
    )
    parser.add_argument("--markdown", action="store_true", help=f"append the figures to {RESULTS.name}")
    parser.add_argument("--note", default="", help="a sentence for the markdown section (what changed)")
    parser.add_argument("--allow-sqlite", action="store_true", help="allow the default SQLite file under var/")
    return parser.parse_args(argv)


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log, no template debug
    import django

    django.setup()


def check_database(args):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not os.environ.get("DATABASE_URL") and not args.allow_sqlite:
        sys.exit(
            "bench: refusing to fill the default SQLite database under var/ with benchmark data.\n"
            "Use PostgreSQL: createdb -h 127.0.0.1 -U postgres kp_bench and\n"
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench python -m bench  (or pass --allow-sqlite)"
        )


def describe_database():
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000} ({connection.settings_dict['NAME']})"
    import sqlite3

    return f"{connection.vendor} {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"


def machine():
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc){ram}, {platform.machine()}, Python {platform.python_version()}"


def prepare(args, out=print):
    from django.core.management import call_command

    from . import data

    call_command("migrate", verbosity=0, interactive=False)
    found = data.marker()
    if found and args.regenerate:
        from django.db import connection

        if connection.vendor == "postgresql":
            # Unapplying the migrations fails once the change log holds rows of later apps:
            # a benchmark database (it has the marker) is dropped whole instead.
            out("Dropping the benchmark data (the public schema, then migrate) …")
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            out("Dropping the benchmark data (unapplying the migrations) …")
            call_command("migrate", "orgs", "zero", verbosity=0, interactive=False)
        call_command("migrate", verbosity=0, interactive=False)
        found = None
    if found:
        scale = data.marker_scale(found)
        if scale != args.scale and not args.keep:
            sys.exit(
                f"bench: this database holds data generated at --scale {scale:g}; "
                f"pass --scale {scale:g}, --keep to use it anyway, or --regenerate."
            )
        out(f"Reusing data generated at --scale {scale:g} (marker user {data.MARKER!r}).")
        analyze()  # an earlier run's rolled-back import left dead rows that index scans would wade through
        from . import projects

        if not projects.present():
            out("Generating the project library and campaign rows this database lacks …")
            started = time.perf_counter()
            data.generate(scale, out=out, only_later=True)
            analyze()
            out(f"Generated in {time.perf_counter() - started:.0f} s.")
        return
    from keyprojects.orgs.models import Region

    if Region.objects.filter(code=data.PROVINCE[0]).exists():
        sys.exit("bench: this database holds other data (a province but no marker): use --regenerate.")
    out(f"Generating data at --scale {args.scale:g}: {data.sizes(args.scale)} …")
    started = time.perf_counter()
    data.generate(args.scale, out=out)
    analyze()
    out(f"Generated in {time.perf_counter() - started:.0f} s.")


def analyze():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # fresh statistics and visibility map, as autovacuum would give


def markdown(args, sizes, results, exported, imported=None, export_ratios=None):
    from .scenarios import TARGET_MS

    command = "python -m bench " + shlex.join(sys.argv[1:])
    database = os.environ.get("DATABASE_URL", "(default SQLite)")
    lines = [
        "",
        f"## {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} · scale {args.scale:g}",
        "",
        *([args.note, ""] if args.note else []),
        f"- command: `DATABASE_URL={database} {command}`",
        f"- machine: {machine()}; load average at the end {os.getloadavg()[0]:.1f} (other work skews p95)",
        f"- database: {describe_database()}",
        f"- sizes: {', '.join(f'{k} {v:,}' for k, v in sizes.items())}",
        f"- each figure: {args.repeat} timed requests after {args.warmup} warm-ups, through Django's test client "
        f"(force_login, DEBUG off); reference = the same rows by a bare ORM query; target p95 ≤ {TARGET_MS} ms "
        "unless the scenario names another",
        "",
        "| scenario | rows | median ms | p95 ms | queries | reference ms | ratio | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.rows:,} | {r.timing.median:.1f} | {r.timing.p95:.1f} | {r.queries} "
            f"| {r.reference.median:.1f} | {r.ratio:.1f} | {'**missed**' if not r.ok else r.verdict} |"
        )
    after = after_write_ratios(results)
    if after:
        lines += [
            "",
            "| after a write ÷ read again (same run) | after ms (median) | read again ms (median) | ratio | target |",
            "|---|---:|---:|---:|---|",
        ]
        lines += [
            f"| {name} | {a:.1f} | {c:.1f} | {a / c:.1f} | {'ok' if a / c <= 3 else '**missed**'} (≤ 3×) |"
            for name, a, c in after
        ]
    if exported:
        lines += [
            "",
            "| export (tracemalloc peak) | rows | peak KiB | seconds | rows | peak KiB | seconds | peak ratio |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for small, full in exported:
            lines.append(
                f"| {small.name} | {small.rows:,} | {small.peak_kib:,.0f} | {small.seconds:.1f} "
                f"| {full.rows:,} | {full.peak_kib:,.0f} | {full.seconds:.1f} | {full.peak_kib / small.peak_kib:.2f} |"
            )
    if imported:
        from .project_scenarios import IMPORT_TARGET_S

        lines += [
            "",
            "| ledger import (xlsx, plan + commit, as the county user, rolled back after) | rows | plan s "
            "| commit s | total s | queries | creates | target |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        lines += [
            f"| {result.name} | {result.rows:,} | {result.plan_seconds:.1f} | {result.commit_seconds:.1f} "
            f"| {result.seconds:.1f} | {result.queries:,} | {result.creates:,} "
            f"| {'ok' if result.ok else '**missed**'} (≤ {IMPORT_TARGET_S} s) |"
            for result in imported
        ]
    if export_ratios:
        from . import exports

        lines += exports.HEADER + export_ratios
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"Appended to {RESULTS}")


def after_write_ratios(results):
    """(name, median after a write, median of the same request read again) for every scenario
    measured both ways: issue 18 wants the first read after a write ≤ 3× the cached one."""
    found = []
    for result in results:
        if not result.name.endswith(", after a write"):
            continue
        base = result.name.removesuffix(", after a write")
        cached = next((r for r in results if r.name == base or r.name.startswith(base + " (")), None)
        if cached is not None:
            found.append((result.name, result.timing.median, cached.timing.median))
    return found


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    setup()
    check_database(args)
    prepare(args)

    import keyprojects.wsgi  # noqa: F401  the server process's start-up, its garbage-collector settings included

    from . import data, project_scenarios, scenarios

    sizes = data.counts()
    print(f"Database: {describe_database()}; machine: {machine()}")
    print("Sizes: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print(scenarios.HEADER)
    results = scenarios.run_requests(args.repeat, args.warmup, only=args.only)

    def wanted(name):
        return not args.only or any(word in name for word in args.only)

    exported = []
    if not args.no_exports and wanted("contacts export"):
        exported += scenarios.run_exports(sizes["contacts"])
    if not args.no_exports and wanted("projects export"):
        exported += project_scenarios.run_exports()
    if not args.no_exports and wanted("open data"):
        exported += project_scenarios.run_open_data()
    export_ratios = None
    if args.only and wanted("export ratios"):  # asked for by name: it exports every project twice
        from . import exports

        export_ratios = exports.run()
    imported = []
    if not args.no_import and wanted("ledger import"):
        imported = project_scenarios.run_imports()
        analyze()  # the import is rolled back: its 180,000 dead rows go now, as autovacuum would take them
    forecast = None
    if wanted("forecast"):
        from . import stats_scenarios

        forecast = stats_scenarios.run_forecast()
    if args.markdown:
        markdown(args, sizes, results, exported, imported, export_ratios)
        if forecast:
            with RESULTS.open("a") as handle:
                handle.write(
                    "\n| slip-risk forecast | value |\n|---|---:|\n"
                    + "".join(f"| {k} | {v} |\n" for k, v in forecast.items())
                )
    for name, after, cached in after_write_ratios(results):
        print(f"{name}: {after:.1f} ms after a write / {cached:.1f} ms read again = {after / cached:.1f}×")
    missed = [r.name for r in results if not r.ok] + [r.name for r in imported if not r.ok]
    if missed:
        print("Missed the p95 target: " + "; ".join(missed))


if __name__ == "__main__":
    main()
