"""Instruments (treaties, charters, protocols, binding decisions) and their dated provisions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from casus.model.common import Dated, Eid, Frozen, Id, Proposition, citation
from casus.model.rules import Assumption, Casus, Expr, Presumption

TextStatus = Literal["VERIFIED", "PARTLY", "RECALLED", "NOT FOUND", "PARAPHRASE"]


class ProvisionVersion(Dated):
    """One wording of a provision, valid on [valid_from, valid_to), with its encoded rule."""

    text: str = Field(description="An excerpt of the wording, quoted as published.")
    text_language: str = Field(default="en", description="ISO 639-1 code of the excerpt.")
    text_status: TextStatus = Field(
        description="How far the excerpt was checked against a primary source."
    )
    translation: str | None = Field(
        default=None, description="An English rendering, if quoted in another language."
    )
    sources: list[Id] = Field(min_length=1)
    amended_by: str | None = Field(default=None, description="What instrument made this version.")
    assumptions: list[Assumption] = Field(default_factory=list)
    defines: Expr | None = Field(
        default=None,
        description="A term or scope this version defines for other provisions, as an expression "
        "(e.g. NATO Art. 6: where an armed attack counts for the purpose of Art. 5). A rule uses "
        "it with {provision: INSTRUMENT/EID}: the version in force on the date applies.",
    )
    casus: Casus | None = None

    def cite(self, instrument: str, eid: str) -> str:
        return citation(instrument, eid, self.valid_from)


class Provision(Frozen):
    eid: Eid
    heading: str
    versions: list[ProvisionVersion] = Field(min_length=1)


class Instrument(Frozen):
    """A treaty, charter, protocol, agreement or binding decision (`kind: instrument`)."""

    kind: Literal["instrument"]
    id: Id
    title: str
    short_title: str | None = None
    form: Literal[
        "treaty",
        "charter",
        "protocol",
        "agreement",
        "decision",
        "articles",
        "resolution",
        "judgment",
    ]
    organization: Id | None = Field(
        default=None, description="The organization whose organs apply it, if any."
    )
    frame: Literal["general-international-law"] | None = Field(
        default=None,
        description="Set for the rules of general international law that apply to every request "
        "for a force whatever the alliance (e.g. consent under the ILC Articles); such an "
        "instrument belongs to no organization and its provisions name no deciding organ.",
    )
    status: (
        Literal[
            "treaty",
            "codification adopted by the General Assembly",
            "resolution of a learned body",
            "judgment",
        ]
        | None
    ) = Field(
        default=None,
        description="What kind of authority a frame's instrument has (required with `frame`).",
    )
    signed: dt.date | None = None
    signed_at: str | None = None
    in_force: dt.date | None = Field(default=None, description="Entry into force, if known.")
    sources: list[Id] = Field(min_length=1)
    assumptions: list[Assumption] = Field(default_factory=list)
    propositions: dict[Proposition, str] = Field(
        default_factory=dict,
        description="The propositions this instrument's rules read, each with a one-line meaning. "
        "Every proposition a rule reads must be declared here; claims and requests under the "
        "instrument's organization are checked against these names.",
    )
    presumptions: list[Presumption] = Field(
        default_factory=list,
        description="What this instrument's rules take a declared proposition to be when no "
        "claim speaks to it (a defeater that must be alleged), each labelled and sourced.",
    )
    provisions: list[Provision] = Field(min_length=1)

    def provision(self, eid: str) -> Provision | None:
        for p in self.provisions:
            if p.eid == eid:
                return p
        return None
