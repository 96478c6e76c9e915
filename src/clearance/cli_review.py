"""`clearance review` (the counsel web app) and `clearance users` (its accounts).

The review modules are imported inside the commands: the web stack is the `review` extra,
and the rest of the CLI must work without it.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clearance.model.errors import ConfigError

console = Console()
err_console = Console(stderr=True)
DEFAULT_USERS = Path("runs") / "clearance-users.sqlite"

UsersOpt = Annotated[
    Path | None,
    typer.Option(
        "--users",
        help="Users file (default: clearance-users.sqlite beside the run, i.e. "
        "runs/clearance-users.sqlite for runs/NAME).",
    ),
]
RunOpt = Annotated[
    Path | None, typer.Option("--run", help="A run: its users file is the one beside it.")
]


def _users_path(users: Path | None, run: Path | None) -> Path:
    from clearance.review.users import default_users

    if users is not None:
        return users
    return default_users(run) if run is not None else DEFAULT_USERS


def review_command(
    run: Annotated[Path, typer.Argument(help="A decided run folder (runs/NAME).")],
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="Ledger file (default: clearance-ledger.sqlite beside it)."),
    ] = None,
    users: UsersOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies",
            help="Mark cookies Secure even on plain http (when a TLS proxy is in front). "
            "Requests that arrive as https get Secure cookies anyway.",
        ),
    ] = False,
    session_hours: Annotated[float, typer.Option(help="Sessions end after this long.")] = 8.0,
    bulk_limit: Annotated[int, typer.Option(help="Most items one bulk decision may touch.")] = 5000,
) -> None:
    """Serve the counsel review app: queue, evidence, decisions into the ledger, audit.

    Example: `clearance users add alice --role reviewer` then `clearance review runs/2026-11`
    and open http://127.0.0.1:8000. Not legal advice: counsel decides.
    """
    from clearance.policy.ledger import default_ledger
    from clearance.review import ReviewConfig, create_app
    from clearance.review.users import UserStore, default_users

    try:
        import uvicorn
    except ImportError:
        raise ConfigError("clearance review needs: pip install 'clearance[review]'") from None
    users_path = users or default_users(run)
    if not UserStore(users_path).list():
        raise ConfigError(
            f"no accounts in {users_path}: add one with "
            f"`clearance users add NAME --role admin --users {users_path}`"
        )
    config = ReviewConfig(
        run=run,
        ledger=ledger or default_ledger(run),
        users=users_path,
        secure_cookies=secure_cookies,
        session_hours=session_hours,
        bulk_limit=bulk_limit,
    )
    if not secure_cookies and not _loopback(host):
        err_console.print(
            "[yellow]warning:[/] listening beyond this machine over plain http: put it behind "
            "TLS and pass --secure-cookies",
            highlight=False,
        )
    console.print(f"indexing {run} …", highlight=False)
    app = create_app(config)
    console.print(
        f"serving {run} on http://{host}:{port} (users {users_path}, ledger {config.ledger})",
        highlight=False,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


users_app = typer.Typer(
    help="Accounts of the review app (`clearance review`).", no_args_is_help=True
)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Option(help="viewer | reviewer | admin")],
    password: Annotated[
        str | None,
        typer.Option(help="The password (prompted, with confirmation, when not given)."),
    ] = None,
    users: UsersOpt = None,
    run: RunOpt = None,
) -> None:
    """Add an account: viewer reads, reviewer decides items, admin also bulk/export/users."""
    from clearance.review.users import UserStore

    path = _users_path(users, run)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    user = UserStore(path).add(name, role, password)
    console.print(f"added {escape(user.name)} ({user.role.value}) to {path}", highlight=False)


@users_app.command("list")
def users_list(users: UsersOpt = None, run: RunOpt = None) -> None:
    """List the accounts (names and roles; never passwords)."""
    from clearance.review.users import UserStore

    path = _users_path(users, run)
    table = Table(title=str(path), title_justify="left", header_style="bold")
    for col in ("name", "role", "created"):
        table.add_column(col)
    for user in UserStore(path).list():
        table.add_row(escape(user.name), user.role.value, user.created)
    console.print(table)


@users_app.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="The user to remove (their sessions end).")],
    users: UsersOpt = None,
    run: RunOpt = None,
) -> None:
    """Remove an account and end its sessions. Its ledger entries stay (append-only)."""
    from clearance.review.users import UserStore

    path = _users_path(users, run)
    if not UserStore(path).remove(name):
        raise ConfigError(f"no user {name!r} in {path}")
    console.print(f"removed {escape(name)} from {path}", highlight=False)
