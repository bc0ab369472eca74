"""Phone numbers of campaign contacts: E.164, validated with phonenumbers' metadata.

`phonenumbers.parse` + `is_valid_number` cost ~40 µs a number, which alone would make a
100k-row upload take seconds. Numbers already written in E.164 (`+` and digits, the common
case) take a fast path that applies the same metadata the same way (`is_valid_number`: the
region found from the country code and leading digits, then "matches the general pattern and
one number type, each with its possible lengths"), with each region's patterns compiled once
into one expression per length. Anything else (spaces, dashes, national numbers with a
`default_region`, numbers the fast path refuses) goes through `phonenumbers.parse`. One
deliberate difference: an E.164 string that is valid as written is kept as written, where
`parse` could still strip something it takes for a national prefix.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumberFormat

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_TYPES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line", "mobile",
)  # fmt: skip
_NON_GEO = "001"


class _Region:
    """One region's validity test, compiled: general pattern + lengths, then the types."""

    def __init__(self, metadata: PhoneMetadata) -> None:
        general = metadata.general_desc
        assert general is not None
        self.general_lengths = frozenset(general.possible_length or ())
        self.general = re.compile(general.national_number_pattern or "(?!)")
        self.types = [
            (frozenset(desc.possible_length or ()), desc.national_number_pattern)
            for desc in (getattr(metadata, name) for name in _TYPES)
            if desc is not None and desc.national_number_pattern
        ]
        self.leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
        self._by_length: dict[int, re.Pattern[str] | None] = {}

    def _for_length(self, length: int) -> re.Pattern[str] | None:
        if length not in self._by_length:
            patterns = [p for lengths, p in self.types if not lengths or length in lengths]
            self._by_length[length] = (
                re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
            )
        return self._by_length[length]

    def is_valid(self, nsn: str) -> bool:
        length = len(nsn)
        if self.general_lengths and length not in self.general_lengths:
            return False
        if self.general.fullmatch(nsn) is None:
            return False
        combined = self._for_length(length)
        return combined is not None and combined.fullmatch(nsn) is not None


@lru_cache(maxsize=512)
def _region(region: str, country_code: int) -> _Region | None:
    if region == _NON_GEO:
        metadata = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
    else:
        metadata = PhoneMetadata.metadata_for_region(region, None)
    return None if metadata is None else _Region(metadata)


def _valid_e164(digits: str) -> bool:
    """`digits`: an E.164 number without its `+`. Mirrors `phonenumbers.is_valid_number`."""
    for size in (1, 2, 3):
        country_code = int(digits[:size])
        regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
        if regions is not None:
            break
    else:
        return False
    nsn = digits[size:]
    if len(regions) == 1:
        checker = _region(regions[0], country_code)
        return checker is not None and checker.is_valid(nsn)
    for region in regions:  # shared country code: leading digits, else full validation
        checker = _region(region, country_code)
        if checker is None:
            continue
        if checker.leading is not None:
            if checker.leading.match(nsn):
                return checker.is_valid(nsn)
        elif checker.is_valid(nsn):
            return True
    return False


def normalise(raw: str, default_region: str | None = None) -> str | None:
    """The number in E.164, or None when it is not a valid phone number."""
    value = raw.strip()
    if _E164.fullmatch(value) and _valid_e164(value[1:]):
        return value
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_region(code: str) -> bool:
    return code.upper() in phonenumbers.SUPPORTED_REGIONS
