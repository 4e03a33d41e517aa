"""``halo-accounts config``: show and change settings, and store the client secret safely."""

from __future__ import annotations

import sys
from typing import Annotated

import tomli_w
import typer
from pydantic import BaseModel, ValidationError

from halo_accounts.cli.common import state_of
from halo_accounts.config import (
    default_config_path,
    load_settings,
    resolve_client_secret,
    save_settings,
    shareable_settings,
    store_client_secret,
    without_password,
)
from halo_accounts.errors import ConfigError

__all__ = ["config_app"]

config_app = typer.Typer(help="Show and change settings; store the Halo client secret.", no_args_is_help=True)


@config_app.command("path")
def show_path(ctx: typer.Context) -> None:
    """Print where the settings file is."""
    state = state_of(ctx)
    state.out.print(str(state.config_path or default_config_path()), highlight=False)


@config_app.command("show")
def show(ctx: typer.Context) -> None:
    """Print the settings in effect (file plus environment); the secret is never shown."""
    state = state_of(ctx)
    settings = load_settings(state.config_path)
    secret, source = resolve_client_secret(settings)
    state.out.print(tomli_w.dumps(shareable_settings(settings)), highlight=False, markup=False)
    state.out.print(f"client secret: {'set, from the ' + source.value if secret is not None else 'not set'}")


_TOP_LEVEL = ("store_url",)


@config_app.command("set")
def set_value(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Dotted name, e.g. halo.url, halo.tenant, flows.invoices; or store_url.")],
    value: Annotated[str, typer.Argument(help="New value; lists (halo.scopes) take spaces or commas.")],
) -> None:
    """Change one setting in the settings file."""
    state = state_of(ctx)
    if key == "halo.client_secret":
        msg = "Store the client secret with 'halo-accounts config set-secret', which keeps it out of the file."
        raise ConfigError(msg)
    path = state.config_path or default_config_path()
    settings = load_settings(path, environ={})  # the environment must not leak into the file
    section_name, _, name = key.partition(".")
    section: object = getattr(settings, section_name, None)
    if key in _TOP_LEVEL:  # the few settings outside any section, e.g. store_url
        section, name = settings, key
    if not isinstance(section, BaseModel) or not name or name not in type(section).model_fields:
        msg = f"There is no setting '{key}'. See 'halo-accounts config show' for the names."
        raise ConfigError(msg)
    new_value: object = value.replace(",", " ").split() if key == "halo.scopes" else value
    try:
        setattr(section, name, new_value)
    except ValidationError as exc:
        msg = f"'{value}' is not a valid value for {key}: {exc.errors()[0]['msg']}."
        raise ConfigError(msg) from None
    save_settings(settings, path, include_secret=settings.halo.client_secret is not None)
    shown = getattr(section, name)
    if key == "store_url":
        shown = without_password(shown)
    state.out.print(f"{key} = {shown!r} (saved in {path})", highlight=False)


@config_app.command("set-secret")
def set_secret(
    ctx: typer.Context,
    plain_file: Annotated[
        bool, typer.Option("--plain-file", help="Store it in the settings file (mode 0600) instead of the OS keyring.")
    ] = False,
    from_stdin: Annotated[bool, typer.Option("--stdin", help="Read the secret from standard input.")] = False,
) -> None:
    """Store the Halo client secret in the OS keyring (or, if asked, the settings file)."""
    state = state_of(ctx)
    path = state.config_path or default_config_path()
    settings = load_settings(path, environ={})
    secret = sys.stdin.readline().strip() if from_stdin else typer.prompt("Halo client secret", hide_input=True)
    if not secret:
        msg = "No secret was given."
        raise ConfigError(msg)
    state.redactor.add_secret(secret)
    source = store_client_secret(settings, secret, path, plain_file=plain_file)
    state.out.print(f"The client secret is stored in the {source.value}.")
