"""The ``parley`` command: parse, call :mod:`parley.api`, format. No logic of its own.

One module per group of commands: :mod:`~parley.cli.record`, :mod:`~parley.cli.scenario`,
:mod:`~parley.cli.simulate`, :mod:`~parley.cli.analysis` (sensitivity and calibration),
:mod:`~parley.cli.bargain` and :mod:`~parley.cli.serve`; what they share (formats, tables,
JSON, the progress bar, the options that several commands take, and the command classes
that keep ``<bool>`` out of the help) is in :mod:`~parley.cli.shared`.

Every command imports what it needs when it runs, so that ``parley --help``,
``parley --version`` and ``parley bargain`` start in a fraction of a second: Rich, pandas
and NumPy are imported inside the functions that use them, and :mod:`parley.api` loads
its own modules on first use. The command modules leave out ``from __future__ import
annotations`` on purpose: Typer reads every command's annotations at each start, and
evaluating them from strings would cost about 25 ms.
"""

import os
from typing import Annotated

import typer
from typer.exceptions import Abort, TyperException

from parley import api
from parley.cli import analysis, bargain, record, scenario, serve, simulate
from parley.cli.shared import Command, Group

__all__ = ["app", "main"]

_BUDGETS = "see docs/reference/limits.md"

app = typer.Typer(
    name="parley",
    help="Model how states negotiate and how their relations rise and fall, "
    "held against the cited record.",
    cls=Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"parley {api.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            metavar="",
            help="Print the version and exit, e.g. parley --version.",
        ),
    ] = False,
) -> None:
    pass


app.add_typer(record.app, name="record")
app.add_typer(scenario.app, name="scenario")

# The commands, in the order that ``parley --help`` lists them.
app.command("scenarios", cls=Command)(scenario.scenarios)
app.command("run", cls=Command)(simulate.run)
app.command("counterfactual", cls=Command)(simulate.counterfactual)
app.command("compare", cls=Command)(simulate.compare)
app.command("sensitivity", cls=Command)(analysis.sensitivity)
app.command("report", cls=Command)(simulate.report)
app.command("serve", cls=Command)(serve.serve)
app.command("calibrate", cls=Command)(analysis.calibrate)
app.command("bargain", cls=Command)(bargain.bargain)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; a ParleyError or a usage error is one line and exit status 2,
    and so is a command whose optional extra is not installed."""
    try:
        code = app(args=argv, prog_name="parley", standalone_mode=False)
    except api.MissingExtraError as exc:  # "parley serve: the web app needs the 'web' extra..."
        typer.echo(str(exc), err=True)
        raise SystemExit(2) from None
    except api.ParleyError as exc:
        typer.echo(f"parley: error: {exc}", err=True)
        raise SystemExit(2) from None
    except TyperException as exc:  # a usage error: unknown option, bad value
        typer.echo(f"parley: error: {exc.format_message()}", err=True)
        raise SystemExit(2) from None
    except Abort:
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        typer.echo("parley: interrupted", err=True)
        raise SystemExit(130) from None
    except MemoryError:
        typer.echo(f"parley: error: out of memory (expected a smaller job; {_BUDGETS})", err=True)
        raise SystemExit(2) from None
    except OSError as exc:  # a file that went away, a full disk: say which, in one line
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"parley: error: {where}{exc.strerror or exc}", err=True)
        raise SystemExit(2) from None
    except Exception as exc:  # a bug in parley: one line, and the traceback on request
        if os.environ.get("PARLEY_DEBUG"):
            raise
        typer.echo(
            f"parley: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
            "(a bug in parley; PARLEY_DEBUG=1 shows the traceback)",
            err=True,
        )
        raise SystemExit(1) from None
    raise SystemExit(code if isinstance(code, int) else 0)
