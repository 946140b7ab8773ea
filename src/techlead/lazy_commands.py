"""A Typer command group whose commands are imported only when one is invoked.

click's lazy-group recipe, adapted to Typer: the group knows each command by a table of
name -> (where it is, "module:attribute"; its one-line help). Invoking a command imports its
module and builds it exactly as `Typer.add_typer` / `Typer.command` would; listing the commands
(`--help`, shell completion) reads the one-line help from the table and imports nothing.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter
    from typer._click.shell_completion import CompletionItem


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives ("package.module:attribute", a Typer app or a command function)
    and the one line `--help` shows for it."""

    target: str
    help: str


def one_line_help(command: Command) -> str:
    """The line a group's `--help` shows for a command: its help's first paragraph, joined."""
    text = command.short_help or command.help or ""
    return inspect.cleandoc(text).split("\n\n")[0].replace("\n", " ").strip()


def load(name: str, entry: LazyCommand, group: TyperGroup) -> Command:
    """Import the command and build it as the root app's `add_typer`/`command` would have."""
    module_name, _, attribute = entry.target.partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    holder = typer.Typer()  # registers it the way the root app registered it before
    if isinstance(found, typer.Typer):
        holder.add_typer(found, name=name)
        return typer.main.get_group_from_info(
            holder.registered_groups[0],
            pretty_exceptions_short=LazyGroup.pretty_exceptions_short,
            suggest_commands=group.suggest_commands,
            rich_markup_mode=group.rich_markup_mode,
        )
    holder.command(name)(found)
    return typer.main.get_command_from_info(
        holder.registered_commands[0],
        pretty_exceptions_short=LazyGroup.pretty_exceptions_short,
        rich_markup_mode=group.rich_markup_mode,
    )


class LazyCommands(MutableMapping[str, "Command"]):
    """The group's commands by name, in the table's order; each imported on first use."""

    def __init__(self, table: Mapping[str, LazyCommand], group: TyperGroup) -> None:
        self._table = table
        self._group = group
        self._loaded: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            if name not in self._table:
                raise KeyError(name)
            self._loaded[name] = load(name, self._table[name], self._group)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError(f"the command {name!r} cannot be removed from a lazy group")

    def __contains__(self, name: object) -> bool:
        return name in self._table or name in self._loaded

    def __iter__(self) -> Iterator[str]:
        yield from self._table
        yield from (name for name in self._loaded if name not in self._table)

    def __len__(self) -> int:
        return len(self._table) + sum(name not in self._table for name in self._loaded)

    def summary(self, name: str) -> Command:
        """A stand-in that carries only the command's name and one-line help."""
        if name in self._table:
            return TyperCommand(
                name=name,
                help=self._table[name].help,
                rich_markup_mode=self._group.rich_markup_mode,
            )
        return self[name]


class LazyGroup(TyperGroup):
    """The root group: a subclass names its commands in `table`."""

    table: ClassVar[Mapping[str, LazyCommand]] = {}
    # what typer.Typer() defaults to, and so what the commands were built with before
    pretty_exceptions_short: ClassVar[bool] = True

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.table, self)
        self._listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        commands = self.commands
        if self._listing and isinstance(commands, LazyCommands) and cmd_name in commands:
            return commands.summary(cmd_name)
        return commands.get(cmd_name)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Context, incomplete: str) -> list[CompletionItem]:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False
