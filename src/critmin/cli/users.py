"""``critmin users``: accounts, API tokens and the audit log of a multi-organisation deployment."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from critmin.cli.common import console, handle_errors, print_json
from critmin.store.accounts import (
    ROLES,
    add_to_group,
    create_group,
    create_token,
    create_user,
    list_groups,
    list_tokens,
    list_users,
    revoke_token,
)
from critmin.store.audit import audit_csv, list_events, record_event
from critmin.store.db import open_database

app = typer.Typer(help="Accounts: users, roles, API tokens and the audit log.", no_args_is_help=True)


@app.command("add")
@handle_errors
def add(username: str = typer.Argument(...),
        organisation: str = typer.Option(..., "--organisation", "-o", help="Organisation code, e.g. gsi, usgs."),
        role: str = typer.Option("viewer", "--role", help=f"One of {', '.join(ROLES)}."),
        password_stdin: bool = typer.Option(False, "--password-stdin",
                                            help="Read the password from stdin (for web sign-in).")) -> None:
    """Add a user (without --password-stdin the user signs in with API tokens only)."""
    password = typer.get_text_stream("stdin").readline().rstrip("\n") if password_stdin else None
    db = open_database()
    with db.transaction() as s:
        create_user(s, username, organisation, role=role, password=password)
        record_event(s, "user-create", actor="cli", target=f"user {username}",
                     detail={"organisation": organisation, "role": role})
    console.print(f"user {username} ({role}, {organisation}) added")


@app.command("list")
@handle_errors
def list_cmd(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List users."""
    db = open_database()
    with db.session() as s:
        rows = list_users(s)
    if json_out:
        print_json(rows)
        return
    table = Table("username", "organisation", "role", "password", "disabled")
    for r in rows:
        table.add_row(str(r["username"]), str(r["organisation"]), str(r["role"]),
                      "yes" if r["has_password"] else "no", "yes" if r["disabled"] else "")
    console.print(table)


@app.command("token-create")
@handle_errors
def token_create(username: str = typer.Argument(...), name: str = typer.Option(..., "--name"),
                 scope: list[str] = typer.Option(None, "--scope", help="read, write, export, admin (repeat)."),
                 days: float = typer.Option(90.0, "--days", help="Lifetime in days.")) -> None:
    """Create an API token; its secret is printed once (store it safely)."""
    db = open_database()
    with db.transaction() as s:
        secret, tok = create_token(s, username, name, scopes=scope or None, expires_days=days)
        record_event(s, "token-create", actor="cli", target=f"token {tok.id} ({name}) of {username}")
    print(secret)


@app.command("tokens")
@handle_errors
def tokens(username: str | None = typer.Argument(None)) -> None:
    """List API tokens (never their secrets)."""
    db = open_database()
    with db.session() as s:
        print_json(list_tokens(s, username))


@app.command("token-revoke")
@handle_errors
def token_revoke(token_id: int = typer.Argument(...)) -> None:
    """Revoke an API token."""
    db = open_database()
    with db.transaction() as s:
        revoke_token(s, token_id)
        record_event(s, "token-revoke", actor="cli", target=f"token {token_id}")
    console.print(f"token {token_id} revoked")


@app.command("audit")
@handle_errors
def audit(out: Path | None = typer.Option(None, "--out", help="Write the whole log as CSV."),
          limit: int = typer.Option(50, "--limit")) -> None:
    """Show the newest audit events, or export the whole log as CSV."""
    db = open_database()
    with db.session() as s:
        if out is not None:
            out.write_text(audit_csv(s), encoding="utf-8")
            console.print(f"audit log written to {out}")
            return
        _, events = list_events(s, limit=limit)
    print_json(events)


@app.command("group-create")
@handle_errors
def group_create(name: str = typer.Argument(...),
                 organisation: str = typer.Option(..., "--organisation", "-o")) -> None:
    """Create a named group of users in an organisation."""
    db = open_database()
    with db.transaction() as s:
        create_group(s, organisation, name)
        record_event(s, "group-create", actor="cli", target=f"group {organisation}/{name}")
    console.print(f"group {organisation}/{name} created")


@app.command("group-add")
@handle_errors
def group_add(name: str = typer.Argument(...), username: str = typer.Argument(...),
              organisation: str = typer.Option(..., "--organisation", "-o")) -> None:
    """Add a user to a group of their organisation."""
    db = open_database()
    with db.transaction() as s:
        add_to_group(s, organisation, name, username)
        record_event(s, "group-add", actor="cli", target=f"group {organisation}/{name}", detail={"user": username})
    console.print(f"{username} added to {organisation}/{name}")


@app.command("groups")
@handle_errors
def groups() -> None:
    """List groups and their members."""
    db = open_database()
    with db.session() as s:
        print_json(list_groups(s))
