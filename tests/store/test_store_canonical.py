"""The event content that every hash is computed over, spelled directly, is exactly the
canonical JSON of the event's fields: the hashes of every event ever recorded stay the same."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casus.model.canonical import canonical_json, sha256_text
from casus.store.canonical import event_content

texts = st.text(st.characters(codec="utf-8"), max_size=40)
zones = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=6)), dt.timezone(dt.timedelta(hours=-3, minutes=-30))]
)
moments = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=zones
)


def reference(
    *,
    case_id: str,
    seq: int,
    type: str,
    payload: str,
    author: str,
    recorded_at: dt.datetime,
    command_id: str,
) -> str:
    """What the content was first defined as: the general encoder over the mapping."""
    return canonical_json(
        {
            "author": author,
            "case": case_id,
            "command": command_id,
            "payload_sha256": sha256_text(payload),
            "recorded_at": recorded_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "seq": seq,
            "type": type,
        }
    )


@settings(max_examples=400, deadline=None)
@given(
    case_id=texts,
    seq=st.integers(min_value=0, max_value=2**63),
    type=texts,
    payload=texts,
    author=texts,
    recorded_at=moments,
    command_id=texts,
)
def test_the_direct_spelling_is_the_canonical_json(**fields: object) -> None:
    assert event_content(**fields) == reference(**fields)  # type: ignore[arg-type]


def test_a_known_event_keeps_its_text() -> None:
    text = event_content(
        case_id="kz-2022",
        seq=7,
        type="claim_added",
        payload='{"a":"é\\n"}',
        author='user:o"brien',
        recorded_at=dt.datetime(2022, 1, 6, 1, 2, 3, 45, tzinfo=dt.UTC),
        command_id="c\u0001",
    )
    assert text == (
        '{"author":"user:o\\"brien","case":"kz-2022","command":"c\\u0001","payload_sha256":"'
        + sha256_text('{"a":"é\\n"}')
        + '","recorded_at":"2022-01-06T01:02:03.000045Z","seq":7,"type":"claim_added"}'
    )


def test_a_seq_that_is_not_an_int_is_refused() -> None:
    with pytest.raises(TypeError):
        event_content(
            case_id="c",
            seq=True,
            type="t",
            payload="",
            author="a",
            recorded_at=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
            command_id="x",
        )
