"""One way to name a state: an ISO 3166-1 alpha-2 code (`PL`), an alpha-3 code (`POL`) or an
English short name (`Poland`, `United States`, `Russia`), in any case, resolved to the alpha-2
code casus uses everywhere.

The codes and names are ISO 3166-1's, from the `pycountry` package (its database is read on
first use, never at import), with the common English forms ISO does not spell (`Russia`,
`Turkey`, `UK`…) and the inverted forms of ISO's "Korea, Republic of" names. Anything else is
refused with the nearest codes and names (difflib). The CLI (`--target`, `--attacker`,
`--set position.X`…), the request-file models (`State`, a pydantic type) and the API's bodies
all resolve through `resolve_state`.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

#: What a state may be written as, for messages.
EXPECTED = (
    "expected a state: an ISO 3166-1 alpha-2 or alpha-3 code or an English short name, "
    "e.g. PL, POL or Poland"
)

#: Common English forms ISO 3166-1 does not give as a name of the state (lower case).
COMMON_FORMS: dict[str, str] = {
    "america": "US",
    "britain": "GB",
    "brunei": "BN",
    "burma": "MM",
    "cape verde": "CV",
    "czech republic": "CZ",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "east timor": "TL",
    "great britain": "GB",
    "holy see": "VA",
    "ivory coast": "CI",
    "macedonia": "MK",
    "micronesia": "FM",
    "palestine": "PS",
    "republic of korea": "KR",
    "russia": "RU",
    "swaziland": "SZ",
    "the netherlands": "NL",
    "turkey": "TR",
    "u.k.": "GB",
    "u.s.": "US",
    "u.s.a.": "US",
    "uk": "GB",
    "united states of america": "US",
    "vatican": "VA",
    "vatican city": "VA",
}


#: Former states the historical cases need, by ISO 3166-3 alpha-3, with a common English name:
#: the USSR (SU), Czechoslovakia (CS) and the German Democratic Republic (DD), parties to the
#: Warsaw Treaty. Only these: ISO reused CS for Serbia and Montenegro (2003-2006).
HISTORIC_STATES: dict[str, str] = {
    "SUN": "Soviet Union",
    "CSK": "Czechoslovak Socialist Republic",
    "DDR": "East Germany",
}


def _fold(text: str) -> str:
    """Lower case, accents dropped, spaces collapsed: `Türkiye` and `turkiye` are one key."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True, slots=True)
class _Index:
    keys: dict[str, str]  # folded code or name -> alpha-2
    names: dict[str, str]  # alpha-2 -> the ISO short name
    numeric: dict[str, str]  # alpha-2 -> the ISO numeric code, three digits


@cache
def _index() -> _Index:
    import pycountry

    keys: dict[str, str] = {}
    names: dict[str, str] = {}
    numeric: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        names[code] = str(country.name)
        numeric[code] = str(country.numeric)
        forms: list[str | None] = [country.alpha_2, country.alpha_3, country.name]
        forms += [getattr(country, a, None) for a in ("common_name", "official_name")]
        head, comma, tail = str(country.name).partition(", ")
        if comma:  # "Korea, Republic of" -> "Republic of Korea"
            forms.append(f"{tail} {head}")
        for form in forms:
            if form:
                keys.setdefault(_fold(str(form)), code)
    # States that no longer exist, which historical cases name (ISO 3166-3 keeps their codes):
    # after the current ones, so a current code or name always wins.
    for country in pycountry.historic_countries:
        if country.alpha_3 not in HISTORIC_STATES:
            continue
        code = str(country.alpha_2)
        head = str(country.name).partition(", ")[0]
        names.setdefault(code, head)
        numeric.setdefault(code, str(country.numeric))
        for form in (code, country.alpha_3, head, HISTORIC_STATES[country.alpha_3]):
            keys.setdefault(_fold(str(form)), code)
    for form, code in COMMON_FORMS.items():
        keys.setdefault(_fold(form), code)
    return _Index(keys, names, numeric)


class UnknownState(ValueError):
    """A text that names no state; `nearest` holds the closest codes, as `(alpha-2, name)`."""

    def __init__(self, text: str, nearest: list[tuple[str, str]]) -> None:
        self.text = text
        self.nearest = nearest
        super().__init__(self.message())

    def hint(self) -> str:
        """`nearest: PL Poland, PT Portugal`, or nothing when nothing is near."""
        if not self.nearest:
            return ""
        return "nearest: " + ", ".join(f"{code} {name}" for code, name in self.nearest)

    def message(self) -> str:
        hint = self.hint()
        return f"{EXPECTED}, found '{self.text}'" + (f"; {hint}" if hint else "")


def nearest_states(text: str, n: int = 3) -> list[tuple[str, str]]:
    """The states whose codes or names are closest to `text`, best first."""
    index = _index()
    folded = _fold(text)
    found: list[str] = []
    for key in difflib.get_close_matches(folded, list(index.keys), n=4 * n, cutoff=0.6):
        code = index.keys[key]
        if code not in found:
            found.append(code)
    return [(code, index.names[code]) for code in found[:n]]


#: No state's name is longer; a longer text is refused before any search for the nearest.
MAX_LENGTH = 80


def resolve_state(text: str) -> str:
    """The alpha-2 code of the state `text` names; `UnknownState` if it names none."""
    if len(text) > MAX_LENGTH:
        raise UnknownState(text[:MAX_LENGTH] + "...", [])
    code = _index().keys.get(_fold(text))
    if code is None:
        raise UnknownState(text.strip(), nearest_states(text))
    return code


def state_name(code: str) -> str | None:
    """ISO's English short name of an alpha-2 code, or None for a code ISO does not assign."""
    return _index().names.get(code)


def state_numeric(code: str) -> str | None:
    """ISO 3166-1's numeric code of an alpha-2 code (three digits), or None if ISO assigns none."""
    return _index().numeric.get(code)


def _validate(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # the type's own check says what it expected
    try:
        return resolve_state(value)
    except UnknownState as e:
        hint = e.hint()
        # The loader shows this error type as "MESSAGE; found 'VALUE'" (schema/translate.py).
        raise PydanticCustomError("expression", EXPECTED + (f"; {hint}" if hint else "")) from None


#: A state in a file or a request body, written any way `resolve_state` reads; held as alpha-2.
State = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    BeforeValidator(_validate),
    WithJsonSchema({"type": "string", "minLength": 2, "maxLength": MAX_LENGTH}),
    Field(
        description="A state: an ISO 3166-1 alpha-2 or alpha-3 code or an English short name, "
        "in any case (PL, POL, Poland); read as its alpha-2 code."
    ),
]
