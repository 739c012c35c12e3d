"""Option types shared by the commands' typer signatures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DirOption = Annotated[
    Path,
    typer.Option("--dir", "-d", help="The workbook folder holding your chapter modules (default: the current folder).", file_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else there.")]
