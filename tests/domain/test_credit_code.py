"""Unified social credit code (GB 32100-2015), DOMAIN.md §3."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from lendtag.domain.credit_code import (
    AUTHORITIES,
    CHARSET,
    WEIGHTS,
    check_character,
    make_credit_code,
    normalize_credit_code,
    org_code_warning,
    validate_credit_code,
)
from lendtag.domain.errors import CreditCodeError, DomainError

# DOMAIN.md §3.3: fictitious codes verified by hand with both checks.
VERIFIED = ["91110108123456788E", "91440300000000019B", "93510100876543210L", "5231000011223344XD"]

# The authority/category table of §3.1, written out independently of the module.
EXPECTED_PAIRS = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}


def _reject(text: str) -> CreditCodeError:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code(text)
    return info.value


@pytest.mark.parametrize("code", VERIFIED)
def test_verified_examples_pass(code: str) -> None:
    assert validate_credit_code(code) == code
    assert org_code_warning(code) is None
    assert make_credit_code(code[:17]) == code


@pytest.mark.parametrize("code", VERIFIED)
def test_check_character_agrees_with_stdnum(code: str) -> None:
    assert check_character(code[:17]) == uscc.calc_check_digit(code[:17]) == code[17]


def test_weights_are_powers_of_three_mod_31() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == WEIGHTS
    assert len(CHARSET) == 31 and not set("IOSVZ") & set(CHARSET)


def test_tampered_copy_rejected_with_expected_character() -> None:
    err = _reject("911101081234567880")
    assert err.code == "credit_code.checksum"
    assert "should be 'E', got '0'" in err.message
    assert isinstance(err, DomainError) and isinstance(err, ValueError)


def test_letter_I_rejected_with_position() -> None:
    err = _reject("9111010812345678IE")
    assert err.code == "credit_code.charset"
    assert "'I' at position 17" in err.message
    assert "I, O, S, V and Z" in err.message


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_excluded_letters_rejected(letter: str) -> None:
    err = _reject("91110108" + letter + "23456788E")
    assert err.code == "credit_code.charset"
    assert "position 9" in err.message


def _substitutions(code: str) -> list[str]:
    out = []
    for pos, ch in enumerate(code):
        alphabet = "0123456789" if 2 <= pos <= 7 else CHARSET
        out.extend(code[:pos] + alt + code[pos + 1 :] for alt in alphabet if alt != ch)
    return out


def test_all_414_single_substitutions_detected() -> None:
    variants = _substitutions(VERIFIED[0])
    assert len(variants) == 414
    rejected = 0
    for variant in variants:
        with pytest.raises(CreditCodeError):
            validate_credit_code(variant)
        rejected += 1
    assert rejected == 414


def test_substitutions_that_keep_structure_fail_the_checksum() -> None:
    # Changing pos 3–17 never breaks the structure, so the mod-31 sum must catch it.
    code = VERIFIED[0]
    for variant in _substitutions(code):
        if variant[:2] == code[:2] and variant[17] == code[17]:
            with pytest.raises(CreditCodeError) as info:
                validate_credit_code(variant)
            assert info.value.code == "credit_code.checksum"


@pytest.mark.parametrize("authority", list(CHARSET))
@pytest.mark.parametrize("category", list(CHARSET))
def test_every_authority_category_pair(authority: str, category: str) -> None:
    body = authority + category + "110108" + "MA01ABCD3"
    if category in EXPECTED_PAIRS.get(authority, ""):
        code = make_credit_code(body)
        assert validate_credit_code(code) == code
    else:
        with pytest.raises(CreditCodeError) as info:
            make_credit_code(body)
        expected = (
            "credit_code.category" if authority in EXPECTED_PAIRS else "credit_code.authority"
        )
        assert info.value.code == expected
        # A correctly checksummed code with that prefix is still rejected.
        code = body + uscc.calc_check_digit(body)
        assert _reject(code).code == expected


def test_authority_table_matches_domain() -> None:
    assert {a: "".join(x.categories) for a, x in AUTHORITIES.items()} == EXPECTED_PAIRS
    assert AUTHORITIES["9"].categories["1"] == "企业"


def test_category_message_lists_allowed_values() -> None:
    err = _reject("95110108123456788E")
    assert err.code == "credit_code.category"
    assert "1 企业, 2 个体工商户, 3 农民专业合作社" in err.message
    assert "got '5'" in err.message


def test_authority_message() -> None:
    err = _reject("B1110108123456788E")
    assert err.code == "credit_code.authority"
    assert "got 'B'" in err.message and "A, N, Y" in err.message


def test_area_must_be_digits() -> None:
    err = _reject("9111A108123456788E")
    assert err.code == "credit_code.area"
    assert "'11A108'" in err.message


@pytest.mark.parametrize(
    ("text", "length"),
    [("", 0), ("9111010812345678", 16), ("91110108123456788", 17), ("91110108123456788E0", 19)],
)
def test_length(text: str, length: int) -> None:
    err = _reject(text)
    assert err.code == "credit_code.length"
    assert f"got {length}" in err.message


@pytest.mark.parametrize(
    "text",
    [
        "91110108123456788e",
        " 91110108123456788E ",
        "9111-0108-1234-5678-8E",
        "9111 0108 1234 5678 8E",
        "９１１１０１０８１２３４５６７８８Ｅ",  # full-width, as pasted from some forms
        "9111\u30000108123456788E",
    ],
)
def test_normalisation(text: str) -> None:
    assert normalize_credit_code(text) == "91110108123456788E"
    assert validate_credit_code(text) == "91110108123456788E"


def test_authorities_with_letters_are_legal() -> None:
    # stdnum's own validate() wrongly demands digits in positions 1–8.
    for prefix in ("A1", "N2", "Y1"):
        code = make_credit_code(prefix + "510100" + "876543210")
        assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("9111010812345678", "credit_code.length"),
        ("9111010812345678I", "credit_code.charset"),
        ("9411010812345678X", "credit_code.category"),
        ("911101O812345678X", "credit_code.charset"),
        ("91110A0812345678X", "credit_code.area"),
    ],
)
def test_make_credit_code_rejects_bad_bodies(body: str, code: str) -> None:
    with pytest.raises(CreditCodeError) as info:
        make_credit_code(body)
    assert info.value.code == code


def test_make_credit_code_length_message_says_17() -> None:
    with pytest.raises(CreditCodeError, match="17 characters, got 18"):
        make_credit_code(VERIFIED[0])


def test_org_code_warning() -> None:
    # Valid USCC whose embedded organisation code check character is wrong.
    code = make_credit_code("91110108123456789")
    assert validate_credit_code(code) == code
    warning = org_code_warning(code)
    assert warning is not None
    assert "12345678-9" in warning and "expected check character '8'" in warning


def test_org_code_warning_x_and_zero() -> None:
    assert org_code_warning("5231000011223344XD") is None  # C9 = 10 -> 'X'
    # Find a body whose C9 = 11 -> '0' and check it is accepted.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    for n in range(10**7, 10**7 + 200):
        body = str(n)
        if sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11 == 0:
            break
    else:  # pragma: no cover
        pytest.fail("no body with C9 = 11 found")
    code = make_credit_code("91110108" + body + "0")
    assert org_code_warning(code) is None
    assert org_code_warning(make_credit_code("91110108" + body + "1")) is not None


def test_org_code_warning_needs_18_characters() -> None:
    with pytest.raises(CreditCodeError):
        org_code_warning("12345")


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17))
def test_check_character_matches_stdnum_everywhere(body: str) -> None:
    assert check_character(body) == uscc.calc_check_digit(body)


@given(
    st.sampled_from(sorted(a + c for a, cs in EXPECTED_PAIRS.items() for c in cs)),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
)
def test_made_codes_always_validate(prefix: str, area: str, body: str) -> None:
    code = make_credit_code(prefix + area + body)
    assert validate_credit_code(code) == code
    assert code[17] == uscc.calc_check_digit(code[:17])


@given(st.text(max_size=30))
def test_arbitrary_text_either_validates_or_raises_domain_error(text: str) -> None:
    try:
        code = validate_credit_code(text)
    except CreditCodeError as err:
        assert err.code.startswith("credit_code.")
        assert err.message
    else:
        assert len(code) == 18 and code[17] == uscc.calc_check_digit(code[:17])
