"""Correlates of War (COW) state codes and the identifiers casus uses for states.

ATOP names states by their COW code; casus names them by ISO 3166-1 alpha-2 code. This is a small
hand table, not a dependency.

Provenance, entry by entry:
- FACTS: the codes given in the project's notes (FACTS.md §3): 2 US, 365 RU, 370 BY, 371 AM, 372 GE,
  373 AZ, 702 TJ, 703 KG, 704 UZ, 705 KZ, 900 AU, 920 NZ.
- Every other entry is RECALLED: written from memory of the COW state list, not checked against
  a retrieved copy of it. Check an entry before relying on it; `casus network` says which codes
  of a file are recalled (see docs/how-to/network.md).

Where a COW state has no ISO 3166-1 alpha-2 code, casus names it `COW` + its code (`COW240`,
Hanover). A few entries use a code ISO no longer lists or never listed, labelled in `note`:
CS (Czechoslovakia), DD (German Democratic Republic), YD (South Yemen), XK (Kosovo, a code in
common use, not an ISO one). COW numbers that one state used in different periods (255 and 260
for Germany, 678 and 679 for Yemen) map to the same identifier; they never overlap in time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Provenance = Literal["FACTS", "RECALLED"]


@dataclass(frozen=True, slots=True)
class CowState:
    code: int
    state: str  # ISO 3166-1 alpha-2, or COW<code> when there is none
    name: str
    provenance: Provenance
    note: str | None = None


_FACTS = {2, 365, 370, 371, 372, 373, 702, 703, 704, 705, 900, 920}

# code, identifier, name[, note]
_TABLE: tuple[tuple[int, str, str] | tuple[int, str, str, str], ...] = (
    (2, "US", "United States of America"),
    (20, "CA", "Canada"),
    (31, "BS", "Bahamas"),
    (40, "CU", "Cuba"),
    (41, "HT", "Haiti"),
    (42, "DO", "Dominican Republic"),
    (51, "JM", "Jamaica"),
    (52, "TT", "Trinidad and Tobago"),
    (53, "BB", "Barbados"),
    (54, "DM", "Dominica"),
    (55, "GD", "Grenada"),
    (56, "LC", "Saint Lucia"),
    (57, "VC", "Saint Vincent and the Grenadines"),
    (58, "AG", "Antigua and Barbuda"),
    (60, "KN", "Saint Kitts and Nevis"),
    (70, "MX", "Mexico"),
    (80, "BZ", "Belize"),
    (89, "COW89", "United Provinces of Central America"),
    (90, "GT", "Guatemala"),
    (91, "HN", "Honduras"),
    (92, "SV", "El Salvador"),
    (93, "NI", "Nicaragua"),
    (94, "CR", "Costa Rica"),
    (95, "PA", "Panama"),
    (99, "COW99", "Gran Colombia"),
    (100, "CO", "Colombia"),
    (101, "VE", "Venezuela"),
    (110, "GY", "Guyana"),
    (115, "SR", "Suriname"),
    (130, "EC", "Ecuador"),
    (135, "PE", "Peru"),
    (140, "BR", "Brazil"),
    (145, "BO", "Bolivia"),
    (150, "PY", "Paraguay"),
    (155, "CL", "Chile"),
    (160, "AR", "Argentina"),
    (165, "UY", "Uruguay"),
    (200, "GB", "United Kingdom"),
    (205, "IE", "Ireland"),
    (210, "NL", "Netherlands"),
    (211, "BE", "Belgium"),
    (212, "LU", "Luxembourg"),
    (220, "FR", "France"),
    (221, "MC", "Monaco"),
    (223, "LI", "Liechtenstein"),
    (225, "CH", "Switzerland"),
    (230, "ES", "Spain"),
    (232, "AD", "Andorra"),
    (235, "PT", "Portugal"),
    (240, "COW240", "Hanover"),
    (245, "COW245", "Bavaria"),
    (255, "DE", "Germany (Prussia before 1871)"),
    (260, "DE", "German Federal Republic"),
    (265, "DD", "German Democratic Republic", "DD: a former ISO code, withdrawn in 1990"),
    (267, "COW267", "Baden"),
    (269, "COW269", "Saxony"),
    (271, "COW271", "Württemberg"),
    (273, "COW273", "Hesse Electoral"),
    (275, "COW275", "Hesse Grand Ducal"),
    (280, "COW280", "Mecklenburg-Schwerin"),
    (290, "PL", "Poland"),
    (300, "COW300", "Austria-Hungary"),
    (305, "AT", "Austria"),
    (310, "HU", "Hungary"),
    (315, "CS", "Czechoslovakia", "CS: a former ISO code, withdrawn in 1993"),
    (316, "CZ", "Czech Republic"),
    (317, "SK", "Slovakia"),
    (325, "IT", "Italy (Sardinia before 1861)"),
    (327, "COW327", "Papal States"),
    (329, "COW329", "Two Sicilies"),
    (331, "SM", "San Marino"),
    (332, "COW332", "Modena"),
    (335, "COW335", "Parma"),
    (337, "COW337", "Tuscany"),
    (338, "MT", "Malta"),
    (339, "AL", "Albania"),
    (341, "ME", "Montenegro"),
    (343, "MK", "North Macedonia"),
    (344, "HR", "Croatia"),
    (345, "RS", "Yugoslavia / Serbia"),
    (346, "BA", "Bosnia and Herzegovina"),
    (347, "XK", "Kosovo", "XK: a code in common use, not an ISO 3166-1 code"),
    (349, "SI", "Slovenia"),
    (350, "GR", "Greece"),
    (352, "CY", "Cyprus"),
    (355, "BG", "Bulgaria"),
    (359, "MD", "Moldova"),
    (360, "RO", "Romania"),
    (365, "RU", "Russia (the Soviet Union 1922-1991)"),
    (366, "EE", "Estonia"),
    (367, "LV", "Latvia"),
    (368, "LT", "Lithuania"),
    (369, "UA", "Ukraine"),
    (370, "BY", "Belarus"),
    (371, "AM", "Armenia"),
    (372, "GE", "Georgia"),
    (373, "AZ", "Azerbaijan"),
    (375, "FI", "Finland"),
    (380, "SE", "Sweden"),
    (385, "NO", "Norway"),
    (390, "DK", "Denmark"),
    (395, "IS", "Iceland"),
    (402, "CV", "Cape Verde"),
    (403, "ST", "Sao Tome and Principe"),
    (404, "GW", "Guinea-Bissau"),
    (411, "GQ", "Equatorial Guinea"),
    (420, "GM", "Gambia"),
    (432, "ML", "Mali"),
    (433, "SN", "Senegal"),
    (434, "BJ", "Benin"),
    (435, "MR", "Mauritania"),
    (436, "NE", "Niger"),
    (437, "CI", "Côte d'Ivoire"),
    (438, "GN", "Guinea"),
    (439, "BF", "Burkina Faso"),
    (450, "LR", "Liberia"),
    (451, "SL", "Sierra Leone"),
    (452, "GH", "Ghana"),
    (461, "TG", "Togo"),
    (471, "CM", "Cameroon"),
    (475, "NG", "Nigeria"),
    (481, "GA", "Gabon"),
    (482, "CF", "Central African Republic"),
    (483, "TD", "Chad"),
    (484, "CG", "Congo"),
    (490, "CD", "Democratic Republic of the Congo"),
    (500, "UG", "Uganda"),
    (501, "KE", "Kenya"),
    (510, "TZ", "Tanzania"),
    (511, "COW511", "Zanzibar"),
    (516, "BI", "Burundi"),
    (517, "RW", "Rwanda"),
    (520, "SO", "Somalia"),
    (522, "DJ", "Djibouti"),
    (530, "ET", "Ethiopia"),
    (531, "ER", "Eritrea"),
    (540, "AO", "Angola"),
    (541, "MZ", "Mozambique"),
    (551, "ZM", "Zambia"),
    (552, "ZW", "Zimbabwe"),
    (553, "MW", "Malawi"),
    (560, "ZA", "South Africa"),
    (565, "NA", "Namibia"),
    (570, "LS", "Lesotho"),
    (571, "BW", "Botswana"),
    (572, "SZ", "Eswatini"),
    (580, "MG", "Madagascar"),
    (581, "KM", "Comoros"),
    (590, "MU", "Mauritius"),
    (591, "SC", "Seychelles"),
    (600, "MA", "Morocco"),
    (615, "DZ", "Algeria"),
    (616, "TN", "Tunisia"),
    (620, "LY", "Libya"),
    (625, "SD", "Sudan"),
    (626, "SS", "South Sudan"),
    (630, "IR", "Iran"),
    (640, "TR", "Turkey"),
    (645, "IQ", "Iraq"),
    (651, "EG", "Egypt"),
    (652, "SY", "Syria"),
    (660, "LB", "Lebanon"),
    (663, "JO", "Jordan"),
    (666, "IL", "Israel"),
    (670, "SA", "Saudi Arabia"),
    (678, "YE", "Yemen Arab Republic"),
    (679, "YE", "Yemen"),
    (680, "YD", "South Yemen", "YD: a former ISO code, withdrawn in 1990"),
    (690, "KW", "Kuwait"),
    (692, "BH", "Bahrain"),
    (694, "QA", "Qatar"),
    (696, "AE", "United Arab Emirates"),
    (698, "OM", "Oman"),
    (700, "AF", "Afghanistan"),
    (701, "TM", "Turkmenistan"),
    (702, "TJ", "Tajikistan"),
    (703, "KG", "Kyrgyzstan"),
    (704, "UZ", "Uzbekistan"),
    (705, "KZ", "Kazakhstan"),
    (710, "CN", "China"),
    (712, "MN", "Mongolia"),
    (713, "TW", "Taiwan"),
    (730, "COW730", "Korea"),
    (731, "KP", "North Korea"),
    (732, "KR", "South Korea"),
    (740, "JP", "Japan"),
    (750, "IN", "India"),
    (760, "BT", "Bhutan"),
    (770, "PK", "Pakistan"),
    (771, "BD", "Bangladesh"),
    (775, "MM", "Myanmar"),
    (780, "LK", "Sri Lanka"),
    (781, "MV", "Maldives"),
    (790, "NP", "Nepal"),
    (800, "TH", "Thailand"),
    (811, "KH", "Cambodia"),
    (812, "LA", "Laos"),
    (816, "VN", "Vietnam (North Vietnam before 1976)"),
    (817, "COW817", "Republic of Vietnam (South Vietnam)"),
    (820, "MY", "Malaysia"),
    (830, "SG", "Singapore"),
    (835, "BN", "Brunei"),
    (840, "PH", "Philippines"),
    (850, "ID", "Indonesia"),
    (860, "TL", "Timor-Leste"),
    (900, "AU", "Australia"),
    (910, "PG", "Papua New Guinea"),
    (920, "NZ", "New Zealand"),
    (935, "VU", "Vanuatu"),
    (940, "SB", "Solomon Islands"),
    (946, "KI", "Kiribati"),
    (947, "TV", "Tuvalu"),
    (950, "FJ", "Fiji"),
    (955, "TO", "Tonga"),
    (970, "NR", "Nauru"),
    (983, "MH", "Marshall Islands"),
    (986, "PW", "Palau"),
    (987, "FM", "Federated States of Micronesia"),
    (990, "WS", "Samoa"),
)


def _build() -> dict[int, CowState]:
    out: dict[int, CowState] = {}
    for entry in _TABLE:
        code, state, name = entry[0], entry[1], entry[2]
        note = entry[3] if len(entry) == 4 else None
        provenance: Provenance = "FACTS" if code in _FACTS else "RECALLED"
        out[code] = CowState(code, state, name, provenance, note)
    return out


COW: dict[int, CowState] = _build()


def state_of(code: int) -> CowState | None:
    """The state a COW code names, or None if the table does not know the code."""
    return COW.get(code)


def codes_of(state: str) -> tuple[int, ...]:
    """Every COW code that maps to a casus state identifier (Germany: 255 and 260)."""
    return tuple(c.code for c in COW.values() if c.state == state)


# A state that used two COW codes in turn, and the day the later code starts (RECALLED, like the
# table: the COW state list's dates, from memory). The German Federal Republic (260) is Germany
# (255) from unification; the Yemen Arab Republic (678) is Yemen (679) from unification.
_SUCCESSIONS: dict[str, tuple[int, dt.date, int]] = {
    "DE": (260, dt.date(1990, 10, 3), 255),
    "YE": (678, dt.date(1990, 5, 22), 679),
}


def code_on(state: str, on: dt.date) -> int | None:
    """The COW code of a casus state identifier on a date, or None if the table has none."""
    succession = _SUCCESSIONS.get(state)
    if succession is not None:
        before, day, after = succession
        return before if on < day else after
    codes = codes_of(state)
    return codes[0] if len(codes) == 1 else None


def successions() -> set[dt.date]:
    """The days on which a state's COW code changes."""
    return {day for _, day, _ in _SUCCESSIONS.values()}
