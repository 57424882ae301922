"""Personal identifiers and their masking, DOMAIN.md §6."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from lendtag.domain.errors import IdentityError
from lendtag.domain.identity import (
    PERSONAL_FIELDS,
    mask_id_number,
    mask_phone,
    validate_mobile,
    validate_resident_id,
)


def _id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


VALID_ID = "360426199101010071"  # stdnum's documented example
VALID_X = _id("11010519491231002")  # ends in X


def _id_error(text: str) -> IdentityError:
    with pytest.raises(IdentityError) as info:
        validate_resident_id(text)
    return info.value


def test_valid_ids() -> None:
    assert validate_resident_id(VALID_ID) == VALID_ID
    assert VALID_X.endswith("X")
    assert validate_resident_id(VALID_X.lower()) == VALID_X
    assert validate_resident_id(" 360426 19910101 0071 ") == VALID_ID
    assert validate_resident_id("３６０４２６１９９１０１０１００７１") == VALID_ID


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("36042619910101007", "identity.id_length", "18 characters, got 17"),
        ("", "identity.id_length", "got 0"),
        ("360426910101007", "identity.id_legacy", "15-digit"),
        ("36042619910101A071", "identity.id_format", "'A' at position 15"),
        ("36042619910101007Y", "identity.id_format", "position 18"),
        ("360426199101010079", "identity.id_checksum", "should be '1', got '9'"),
        (_id("99042619910101007"), "identity.id_area", "positions 1–2 (99)"),
        (_id("36042619911301007"), "identity.id_birth_date", "19911301"),
        (_id("36042619910230007"), "identity.id_birth_date", "does not exist"),
        (_id("36042620990101007"), "identity.id_birth_date", "2099-01-01"),
        (_id("36042618000101007"), "identity.id_birth_date", "not plausible"),
        # 110103 (崇文区) was abolished in 2010: valid for people born before, not after.
        (_id("11010320150101007"), "identity.id_area", "110103"),
        (_id("11999919900101007"), "identity.id_area", "not a county-level"),
    ],
)
def test_id_errors(text: str, code: str, fragment: str) -> None:
    err = _id_error(text)
    assert err.code == code
    assert fragment in err.message


def test_abolished_county_valid_for_earlier_births() -> None:
    number = _id("11010319900101007")
    assert validate_resident_id(number) == number


def test_every_single_digit_change_is_caught() -> None:
    for pos in range(18):
        for digit in "0123456789X" if pos == 17 else "0123456789":
            if digit == VALID_ID[pos]:
                continue
            variant = VALID_ID[:pos] + digit + VALID_ID[pos + 1 :]
            with pytest.raises(IdentityError):
                validate_resident_id(variant)


@given(
    st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["110105", "330106", "440305", "510104", "650102"]),
)
def test_agrees_with_stdnum(birth: dt.date, seq: int, area: str) -> None:
    number = _id(f"{area}{birth:%Y%m%d}{seq:03d}")
    try:
        expected = ric.validate(number)
    except ValueError:
        with pytest.raises(IdentityError):
            validate_resident_id(number)
    else:
        assert validate_resident_id(number) == expected


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "008613812345678",
        "8613812345678",
        "(+86) 138-1234-5678",
        "１３８１２３４５６７８",
    ],
)
def test_valid_mobiles(text: str) -> None:
    assert validate_mobile(text) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_mobile_prefixes_13_to_19(prefix: str) -> None:
    assert validate_mobile(prefix + "012345678") == prefix + "012345678"


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("1381234567", "identity.mobile_length", "11 digits, got 10"),
        ("138123456789", "identity.mobile_length", "got 12"),
        ("12812345678", "identity.mobile_prefix", "got 12"),
        ("23812345678", "identity.mobile_prefix", "got 23"),
        ("0571-88886666", "identity.mobile_length", "got 12"),
        ("138abcd5678", "identity.mobile_format", "only digits"),
        ("", "identity.mobile_length", "got 0"),
    ],
)
def test_mobile_errors(text: str, code: str, fragment: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_mobile(text)
    assert info.value.code == code
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("330106199001011234", "3301**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("123456789012", "1234****9012"),
        ("12345678901", "***********"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_id_number(text: str, masked: str) -> None:
    assert mask_id_number(text) == masked
    assert len(masked) == len(text)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("0571-88886666", "057******6666"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_mask_phone(text: str, masked: str) -> None:
    assert mask_phone(text) == masked


@given(st.text(max_size=40))
def test_masks_never_reveal_the_middle(text: str) -> None:
    masked = mask_id_number(text)
    stripped = text.strip()
    assert len(masked) == len(stripped)
    if len(stripped) >= 12:
        assert masked[4:-4] == "*" * (len(stripped) - 8)
    else:
        assert set(masked) <= {"*"}


def test_personal_fields() -> None:
    assert set(PERSONAL_FIELDS) == {"id_number", "phone", "name"}
    assert PERSONAL_FIELDS["id_number"].jrt0171_class == "C2"
    assert PERSONAL_FIELDS["phone"].jrt0171_class == "C2"
    for field in PERSONAL_FIELDS.values():
        # JR/T 0197: C3 -> level 4, C2 -> level 3, C1 -> level 2.
        assert field.jrt0197_level == {"C3": 4, "C2": 3, "C1": 2}[field.jrt0171_class]
        assert field.reason and field.confidence
