"""A team's own report templates (`--templates DIR`), read only from inside that folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound
from jinja2.loaders import split_template_path

from techlead.errors import TechleadError
from techlead.inputs.files import read_text


class TemplateError(TechleadError):
    """A template of `--templates` that cannot be read."""


class FolderLoader(BaseLoader):
    """Jinja2 templates from one folder: Jinja2's own loader refuses `..` in a name but
    follows symlinks; this one refuses a template (or an include) that leads outside."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        text = read_text(path, within=self.folder, error=TemplateError)
        return text, str(path), lambda: False
