"""``taskduty config``: the settings, each with its value and where it came from."""

from __future__ import annotations

from typing import Annotated

import typer

from taskduty.cli.app import CONTEXT, FieldsOption, ListingFormat, OutputOption, app, get_db
from taskduty.i18n import _

config_app = typer.Typer(
    name="config",
    help=_("Settings: the database, the office's name, warning thresholds… and where each "
           "value comes from (flag > environment > settings file > database > default).\n\n"
           "Example: taskduty config set office_name 区政府督查室"),
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")

NameArgument = Annotated[str, typer.Argument(
    metavar="NAME", help=_("A setting's name (taskduty config list shows them)."),
    autocompletion=lambda: _names())]
SharedOption = Annotated[bool, typer.Option(
    "--shared", help=_("In the database, for every computer that uses it (thresholds, "
                       "office_name), instead of this computer's settings file."))]


def _names() -> list[str]:
    from taskduty import settings

    return list(settings.SETTINGS)


def _database():
    """The database, when there is one to consult (a missing SQLite file is none)."""
    db = get_db()
    return None if db.path is not None and not db.path.exists() else db


@config_app.command("list")
def config_list(fmt: ListingFormat = "table", output: OutputOption = None,
                fields: FieldsOption = None) -> None:
    """Every setting with its value and source (flag, env, file, database or default).

    Example: taskduty config list --format json
    """
    from taskduty import render, settings
    from taskduty.results import config_list_result

    listing = settings.listing(_database())
    render.write(config_list_result(listing, settings.config_path()[0]), fmt, output, fields)


@config_app.command("get")
def config_get(name: NameArgument, fmt: ListingFormat = "table", output: OutputOption = None,
               fields: FieldsOption = None) -> None:
    """One setting's value (on stdout) and its source.

    Example: taskduty config get blue_days
    """
    from taskduty import render, settings
    from taskduty.results import config_get_result

    key = settings.SETTINGS[_setting_name(name)].name
    listing = settings.listing(_database())
    render.write(config_get_result(listing, settings.config_path()[0], key), fmt, output,
                 fields)


def _setting_name(name: str) -> str:
    from taskduty import settings

    settings.explain(name)  # unknown names are a usage error here
    return name.strip().lower().replace("-", "_")


@config_app.command("set")
def config_set(
    name: NameArgument,
    value: Annotated[str, typer.Argument(metavar="VALUE", help=_("The new value."))],
    shared: SharedOption = False,
) -> None:
    """Set a setting in the settings file (or, with --shared, in the database).

    Example: taskduty config set --shared blue_days 20
    """
    from taskduty import render, settings

    key = _setting_name(name)
    if shared:
        settings.set_in_database(get_db(), key, value)
        render.message(_("{name} = {value} (in the database)").format(name=key, value=value))
    else:
        path = settings.set_in_file(key, value)
        render.message(_("{name} = {value} (in {path})").format(name=key, value=value,
                                                                path=path))


@config_app.command("unset")
def config_unset(name: NameArgument, shared: SharedOption = False) -> None:
    """Remove a setting from the settings file (or, with --shared, from the database).

    Example: taskduty config unset office_name
    """
    from taskduty import render, settings

    key = _setting_name(name)
    if shared:
        settings.set_in_database(get_db(), key, None)
        where = _("the database")
    else:
        where = str(settings.set_in_file(key, None))
    value, source = settings.explain(key, _database())
    render.message(_("{name} removed from {where}; now {value} ({source})").format(
        name=key, where=where, value=settings.to_text(value), source=source))
