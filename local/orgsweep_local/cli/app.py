"""The `orgsweep` Typer app: one small module per command, registered here.

`main()` is the console-script entry point. Every error is one line on stderr,
`error: <problem>`, with a documented exit code: 0 success, 1 failure, 2 invalid input
(usage errors included; nothing written), 3 run finished with some cells not ok.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

# typer 0.29 vendors click: its usage errors are typer._click's, not the click package's.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from orgsweep_local.cli.errors import report
from orgsweep_local.cli.exceptions import EXIT_FAILURE, EXIT_INVALID_INPUT, CliError

HELP = """Find idle and unused AWS resources across every account and region of an AWS Organization.

Scan on this machine (`scan`), or start the deployed Step Functions workflow (`start`);
explore the Parquet results with DuckDB (`query`). `demo` runs everything against an
embedded, seeded demo organization: no AWS account needed. `doctor` checks, before and
after deploying, that your credentials and the member role are ready for a scan.

**Exit codes**: 0 success; 1 failure; 2 invalid input (nothing written); 3 the run
finished but some (account, region) cells are not ok (see the coverage table).
"""


def build_app() -> typer.Typer:
    from orgsweep_local.cli import checks, doctor, member_policy, query, scan, start
    from orgsweep_local.cli import demo as demo_command

    app = typer.Typer(
        name="orgsweep",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="markdown",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.command("demo")(demo_command.demo)
    app.command("scan")(scan.scan)
    app.command("start")(start.start)
    app.command("query")(query.query)
    app.command("checks")(checks.checks)
    app.command("member-role-policy")(member_policy.member_role_policy)
    app.command("doctor")(doctor.doctor)
    return app


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with `argv` (default sys.argv[1:]) and return the exit code."""
    command = typer.main.get_command(build_app())
    try:
        result = command.main(args=list(argv) if argv is not None else None, prog_name="orgsweep",
                              standalone_mode=False)
    except NoArgsIsHelpError as exc:  # `orgsweep` alone: the help (rich prints it itself) is the answer
        if exc.format_message().strip():
            print(exc.format_message())
        return 0
    except UsageError as exc:
        report(CliError(exc.format_message(), EXIT_INVALID_INPUT))
        return EXIT_INVALID_INPUT
    except ClickException as exc:
        report(CliError(exc.format_message(), exc.exit_code))
        return exc.exit_code
    except typer.Abort:
        report(CliError("aborted", EXIT_FAILURE))
        return 130
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())


__all__ = ["build_app", "main", "run"]
