"""Identifier generators checked against independent implementations (python-stdnum)."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

from lendtag.demo.codes import CodeMaker, mobile_number, org_check_char, resident_id
from lendtag.domain.credit_code import org_code_warning, validate_credit_code


def test_org_check_char_matches_the_worked_examples() -> None:
    # DOMAIN.md §3.3: 12345678-8, 00000001-9, 87654321-0, 11223344-X
    assert org_check_char("12345678") == "8"
    assert org_check_char("00000001") == "9"
    assert org_check_char("87654321") == "0"
    assert org_check_char("11223344") == "X"


def test_credit_codes_are_valid_and_unique() -> None:
    maker = CodeMaker(seed=5)
    codes = set()
    for index in range(3000):
        founded = dt.date(2010, 1, 1) if index % 2 else dt.date(2020, 1, 1)
        code = maker.credit_code(index, "123"[index % 3], "330100", founded)
        assert validate_credit_code(code) == code
        assert uscc.is_valid(code)
        assert org_code_warning(code) is None
        assert code[8:10] == "MA" if founded.year >= 2016 else code[8:16].isdigit()
        codes.add(code)
    assert len(codes) == 3000


def test_resident_ids_pass_stdnum() -> None:
    rng = random.Random(1)
    for _ in range(500):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        male = rng.random() < 0.5
        number = resident_id(rng, birth, male)
        assert ric.validate(number) == number
        assert ric.get_birth_date(number) == birth
        assert int(number[16]) % 2 == (1 if male else 0)


def test_mobile_numbers_look_mainland() -> None:
    rng = random.Random(2)
    for _ in range(200):
        number = mobile_number(rng)
        assert (
            len(number) == 11
            and number.isdigit()
            and number[:2] in {"13", "15", "16", "17", "18", "19"}
        )
