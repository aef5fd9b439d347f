"""`customer-intel`: generate sample data, run the dbt build, summarise what it made."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from customer_intelligence import settings
from customer_intelligence.bench import PARTS
from customer_intelligence.build_process import checkout_lock, run_until_stopped


def project_dir() -> Path:
    """The dbt project: the nearest folder upwards holding dbt_project.yml, else this checkout."""
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    return Path(__file__).resolve().parents[2]


def dbt_command(arguments: list[str], folder: Path) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt) if dbt.exists() else "dbt", *arguments]
    return [*command, "--project-dir", str(folder), "--profiles-dir", str(folder)]


def run_dbt(arguments: list[str]) -> int:
    return subprocess.call(dbt_command(arguments, project_dir()))


def build(args: argparse.Namespace) -> int:
    settings.check_database_path(settings.duckdb_path())
    settings.ensure_export_dir(settings.export_dir())
    input_vars: list[str] = []
    if args.input is not None:
        from customer_intelligence.input_config import dbt_vars_argument, load_input_config

        if "--vars" in args.dbt_args:
            raise settings.ConfigurationError(
                "--input and --vars together: put the vars in the input file's `vars:` block."
            )
        input_vars = dbt_vars_argument(load_input_config(args.input))
    folder = project_dir()
    with checkout_lock(folder) as lock:
        command = dbt_command(["build", *input_vars, *args.dbt_args], folder)
        exit_code = run_until_stopped(command, keep_fds=(lock,))
    if exit_code > 128:
        print(
            f"customer-intel: build stopped by signal {exit_code - 128}; dbt has ended. Only a"
            " build that runs to its end publishes the CRM files: run `customer-intel build`"
            " again.",
            file=sys.stderr,
        )
    return exit_code


def crm_ack(args: argparse.Namespace) -> int:
    """The CRM files in EXPORT_DIR/crm were imported: the next delta starts from them."""
    settings.check_database_path(settings.duckdb_path())
    arguments = ["run-operation", "crm_acknowledge_export"]
    if args.build_id is not None:
        arguments += ["--args", json.dumps({"build_id": args.build_id})]
    return run_dbt(arguments)


def generate(args: argparse.Namespace) -> int:
    from customer_intelligence.generate import generate_dataset

    # unset: the generator's own default (not imported at the command line's start)
    share = args.machine_open_share
    counts = generate_dataset(
        args.customers,
        seed=args.seed,
        out_dir=args.out,
        fmt=args.format,
        truth_dir=args.truth_out,
        **({} if share is None else {"machine_open_share": share}),
    )
    for table, rows in counts.items():
        print(f"raw_{table:<22}{rows:>12,} rows")
    return 0


def summary(_: argparse.Namespace) -> int:
    from customer_intelligence.summary import print_summary

    print_summary(settings.duckdb_path(), settings.export_dir())
    return 0


def html_report(_: argparse.Namespace) -> int:
    from customer_intelligence.report import write_report

    started = time.perf_counter()
    page = write_report(settings.duckdb_path(), settings.export_dir())
    print(f"Report: {page.resolve()} ({time.perf_counter() - started:.1f} s)")
    return 0


def report(result: dict, print_table, output: str | None) -> int:
    """A benchmark's table on stdout and, with --output, its figures as JSON."""
    print_table(result)
    if output:
        Path(output).write_text(json.dumps(result, indent=2))
    return 0


def bench(args: argparse.Namespace) -> int:
    customers = args.customers or (
        [100_000, 1_000_000, 10_000_000] if args.only == "clv" else [1_000_000]
    )
    if args.only != "clv" and len(customers) > 1:
        print(
            "customer-intel bench: --customers takes one size except with --only clv",
            file=sys.stderr,
        )
        return 2
    # each part's own default seed unless one is given
    seeded = {} if args.seed is None else {"seed": args.seed}
    if args.only == "clv":
        from customer_intelligence.bench.clv import benchmark, print_table

        return report(benchmark(customers, args.runs, **seeded), print_table, args.output)
    if args.only == "segmentation":
        import duckdb

        from customer_intelligence.bench.segmentation import benchmark, print_table

        database = args.database or settings.duckdb_path()
        with duckdb.connect(str(database), read_only=True) as connection:
            source = connection.sql(
                "select * from int_customer_segmentation_features"
            ).to_arrow_table()
        result = benchmark(source, customers[0], args.runs, project_dir(), **seeded)
        return report(result, print_table, args.output)
    if args.only == "recommendations":
        from customer_intelligence.bench.recommendations import benchmark, print_table

        args.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=args.data_dir) as workdir:
            result = benchmark(customers[0], args.runs, project_dir(), Path(workdir), **seeded)
        return report(result, print_table, args.output)
    from customer_intelligence.bench.build import BuildFailed, benchmark, print_table

    try:
        result = benchmark(
            customers[0], args.runs, args.data_dir, input_format=args.input_format, **seeded
        )
    except BuildFailed as error:
        print(f"customer-intel bench: {error}", file=sys.stderr)
        return 1
    return report(result, print_table, args.output)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="customer-intel", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    build_command = commands.add_parser(
        "build", help="run `dbt build` on the project; other arguments go to dbt (--select ...)"
    )
    build_command.add_argument(
        "--input",
        type=Path,
        default=None,
        help="input config (YAML) naming your own data files; default: the bundled sample data",
    )
    build_command.set_defaults(handler=build)

    ack_command = commands.add_parser(
        "crm-ack",
        help="mark the published CRM delta (EXPORT_DIR/crm) as imported: the next build's "
        "contacts_changes.csv lists only the changes after it",
    )
    ack_command.add_argument(
        "--build-id",
        default=None,
        help="the build_id of EXPORT_DIR/crm/export.json you imported; refused if the files "
        "published since are another build's",
    )
    ack_command.set_defaults(handler=crm_ack)

    generate_command = commands.add_parser("generate", help="write a synthetic data set")
    generate_command.add_argument("--customers", type=int, default=2000)
    generate_command.add_argument("--seed", type=int, default=42)
    generate_command.add_argument("--out", default="generated")
    generate_command.add_argument("--format", choices=("csv", "parquet"), default="csv")
    generate_command.add_argument(
        "--truth-out", default=None, help="ground-truth folder (default: OUT/ground_truth)"
    )
    generate_command.add_argument(
        "--machine-open-share",
        type=float,
        default=None,
        help="share of customers whose mail client opens every delivered email (machine opens;"
        " default 0.45, generate.MACHINE_OPEN_SHARE)",
    )
    generate_command.set_defaults(handler=generate)

    summary_command = commands.add_parser("summary", help="print rows per mart and RFM segments")
    summary_command.set_defaults(handler=summary)

    report_command = commands.add_parser(
        "report", help="write EXPORT_DIR/report/index.html: the marts as one offline HTML page"
    )
    report_command.set_defaults(handler=html_report)

    bench_command = commands.add_parser(
        "bench",
        help="time the full build, or one part of it (--only), on generated data of a given size",
    )
    bench_command.add_argument(
        "--only",
        choices=PARTS,
        default="build",
        help="build: the whole `customer-intel build` (tests included); segmentation: "
        "selection, fit and SQL assignment on the built customers' features resampled to the "
        "size; recommendations: build once, then time each basket rule and recommendation "
        "model's SQL; clv: the BG/NBD and Gamma-Gamma fits on simulated customers "
        "(default: %(default)s)",
    )
    bench_command.add_argument(
        "--customers",
        type=int,
        nargs="+",
        default=None,
        help="size (default 1,000,000; with --only clv several sizes, default 100,000 "
        "1,000,000 10,000,000)",
    )
    bench_command.add_argument("--runs", type=int, default=3, help="median of this many runs")
    bench_command.add_argument("--output", default=None, help="also write the figures as JSON")
    bench_command.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of the generated, resampled or simulated data (default: 42 for build and "
        "recommendations, 0 for segmentation and clv)",
    )
    bench_command.add_argument(
        "--input-format",
        choices=("entities", "transactions"),
        default="entities",
        help="build: give the generated data as one file per entity, or its order lines as one "
        "transaction log (default: %(default)s)",
    )
    bench_command.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "customer-intel-bench",
        help="build: folder for the generated data, database and logs (data of the same size "
        "and seed found there is reused); recommendations: the generated data goes to a "
        "folder inside it, removed afterwards (1,000,000 customers need about 5 GB) "
        "(default: %(default)s)",
    )
    bench_command.add_argument(
        "--database",
        type=Path,
        default=None,
        help="segmentation: built database to resample int_customer_segmentation_features "
        "from (default: DUCKDB_PATH)",
    )
    bench_command.set_defaults(handler=bench)
    return root


def main(argv: list[str] | None = None) -> int:
    command_line = parser()
    args, dbt_args = command_line.parse_known_args(argv)
    if dbt_args and args.command != "build":
        command_line.error(f"unrecognized arguments: {' '.join(dbt_args)}")
    args.dbt_args = dbt_args
    try:
        return args.handler(args)
    except settings.ConfigurationError as error:
        print(f"customer-intel: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
