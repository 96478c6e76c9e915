"""IBAN validation for the scanner: ISO 13616 mod-97 plus the country's BBAN format.

``python-stdnum`` is the reference: the country formats are its IBAN registry (``numdb``
``iban``, from SWIFT's registry), compiled here once per country, and its country modules
(Belgium, Spain, Montenegro, Norway: national check digits inside the BBAN) run as they are
(for Spain and Norway, their national account-number check alone).
Only the generic part of ``stdnum.iban.validate`` is inline, because every IBAN-shaped run of
a document is asked (shrinking grouped candidates asks several times) and stdnum's
``clean``/registry lookup/regex build per call cost far more than the check; a property test
compares ``is_iban`` with ``stdnum.iban.is_valid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from stdnum import numdb
from stdnum.es import ccc
from stdnum.no import kontonr
from stdnum.util import get_cc_module

_STRUCT = re.compile(r"([1-9][0-9]*)!([nac])")
_CHARS = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}
# mod-97 reads letters as two-digit numbers: A=10 ... Z=35 (ISO 13616-1, as stdnum's mod_97_10)
_LETTERS = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})


@cache
def _bban(country: str) -> re.Pattern[str] | None:
    """The BBAN format of ``country`` from stdnum's registry, compiled (None: no IBANs)."""
    info = numdb.get("iban").info(country)
    props = info[0][1] if info and info[0][0] == country else {}
    if not props:
        return None
    structure = _STRUCT.sub(
        lambda m: f"{_CHARS[m.group(2)]}{{{m.group(1)}}}", props.get("bban", "")
    )
    return re.compile(structure)


def _bban_check(check: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda compact: bool(check(compact[4:]))


# Spain's and Norway's IBAN modules check the BBAN as a national account number (``es.ccc``,
# ``no.kontonr``) after repeating the generic IBAN validation; only that national part is
# called here. Other countries' modules (Belgium, Montenegro) run whole.
_NATIONAL = {"ES": _bban_check(ccc.is_valid), "NO": _bban_check(kontonr.is_valid)}


@cache
def _country_check(country: str) -> Callable[[str], bool] | None:
    """The country-specific check of stdnum for the country's IBANs, if it has one."""
    if country in _NATIONAL:
        return _NATIONAL[country]
    module = get_cc_module(country.lower(), "iban")
    return None if module is None else module.is_valid


def mod97_ok(compact: str) -> bool:
    """ISO 13616 check digits of an IBAN in compact form (A-Z and 0-9)."""
    return int((compact[4:] + compact[:4]).translate(_LETTERS)) % 97 == 1


def is_iban(compact: str) -> bool:
    """``stdnum.iban.is_valid(compact)`` for an IBAN already in compact form: two capital
    letters, two digits, then capitals and digits only (what the scanner's pattern yields)."""
    bban = _bban(compact[:2])
    if bban is None or bban.fullmatch(compact[4:]) is None or not mod97_ok(compact):
        return False
    check = _country_check(compact[:2])
    return check is None or bool(check(compact))
