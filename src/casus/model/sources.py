"""Sources: where every fact, excerpt and claim comes from."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from casus.model.common import Frozen, Id


class Source(Frozen):
    """A document cited by the data: title, publisher, date and address."""

    id: Id
    title: str
    publisher: str
    date: dt.date | None = Field(default=None, description="Publication date, if known.")
    date_note: str | None = Field(
        default=None, description="When the date is approximate or unknown, why."
    )
    url: str | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code of the text cited.")
    kind: Literal[
        "treaty_text",
        "official",
        "press",
        "ngo",
        "scholarship",
        "opinion",
        "dataset",
        "reference",
    ] = "press"
    note: str | None = None


class SourceFile(Frozen):
    """A file of sources (`kind: sources`)."""

    kind: Literal["sources"]
    sources: list[Source]
