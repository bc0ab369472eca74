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

Time zones (`parse_contact`) come from phonenumbers' time-zone data, looked up as
`phonenumbers.timezone.time_zones_for_number` does: fixed-line numbers (and mobile numbers
where mobiles are geographic) by their longest listed prefix, every other type by the country
code. The fast path learns the number type from the same compiled patterns (named groups, tried
in phonenumbers' order). A number with more than one zone (or none) gets None.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumberFormat
from phonenumbers import timezone as number_timezones
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_TYPES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line", "mobile",
)  # fmt: skip
_NON_GEO = "001"
# Countries whose mobile numbers are geographic (phonenumberutil._GEO_MOBILE_COUNTRIES).
_GEO_MOBILE = frozenset({52, 54, 55, 62, 86})
_KNOWN_ZONES = frozenset(zoneinfo.available_timezones())


class _Region:
    """One region's validity test, compiled: general pattern + lengths, then the types."""

    def __init__(self, metadata: PhoneMetadata) -> None:
        general = metadata.general_desc
        assert general is not None
        self.general_lengths = frozenset(general.possible_length or ())
        self.general = re.compile(general.national_number_pattern or "(?!)")
        self.types = [
            (name, frozenset(desc.possible_length or ()), desc.national_number_pattern)
            for name, desc in ((name, getattr(metadata, name)) for name in _TYPES)
            if desc is not None and desc.national_number_pattern
        ]
        self.leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
        self._by_length: dict[int, re.Pattern[str] | None] = {}

    def _for_length(self, length: int) -> re.Pattern[str] | None:
        if length not in self._by_length:
            patterns = [(n, p) for n, lengths, p in self.types if not lengths or length in lengths]
            self._by_length[length] = (
                re.compile("|".join(f"(?P<{n}>{p})" for n, p in patterns)) if patterns else None
            )
        return self._by_length[length]

    def is_valid(self, nsn: str) -> bool:
        return self.kind(nsn) is not None

    def kind(self, nsn: str) -> str | None:
        """The number type (the first matching, in phonenumbers' order), None when invalid."""
        length = len(nsn)
        if self.general_lengths and length not in self.general_lengths:
            return None
        if self.general.fullmatch(nsn) is None:
            return None
        combined = self._for_length(length)
        found = combined.fullmatch(nsn) if combined is not None else None
        return None if found is None else found.lastgroup


@lru_cache(maxsize=512)
def _region(region: str, country_code: int) -> _Region | None:
    if region == _NON_GEO:
        metadata = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
    else:
        metadata = PhoneMetadata.metadata_for_region(region, None)
    return None if metadata is None else _Region(metadata)


def _classify(digits: str) -> tuple[int, str] | None:
    """`digits`: an E.164 number without its `+`. (country code, number type) when valid, as
    `phonenumbers.is_valid_number` and `number_type` decide; None when not."""
    for size in (1, 2, 3):
        country_code = int(digits[:size])
        regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
        if regions is not None:
            break
    else:
        return None
    nsn = digits[size:]
    kind = None
    if len(regions) == 1:
        checker = _region(regions[0], country_code)
        kind = checker.kind(nsn) if checker is not None else None
    else:
        for region in regions:  # shared country code: leading digits, else full validation
            checker = _region(region, country_code)
            if checker is None:
                continue
            if checker.leading is not None:
                if checker.leading.match(nsn):
                    kind = checker.kind(nsn)
                    break
            elif (kind := checker.kind(nsn)) is not None:
                break
    return None if kind is None else (country_code, kind)


def _valid_e164(digits: str) -> bool:
    return _classify(digits) is not None


def _zone(zones: tuple[str, ...]) -> str | None:
    if len(zones) != 1 or zones[0] not in _KNOWN_ZONES:
        return None  # several zones, or Etc/Unknown
    return zones[0]


def _fast_zone(digits: str, country_code: int, kind: str) -> str | None:
    if kind == "fixed_line" or (kind == "mobile" and country_code in _GEO_MOBILE):
        return _geographic_zone(digits[:TIMEZONE_LONGEST_PREFIX])
    return _country_zone(country_code)


@lru_cache(maxsize=65536)
def _geographic_zone(prefix: str) -> str | None:
    for size in range(len(prefix), 0, -1):
        zones = TIMEZONE_DATA.get(prefix[:size])
        if zones is not None:
            return _zone(zones)
    return None


@lru_cache(maxsize=1024)
def _country_zone(country_code: int) -> str | None:
    code = str(country_code)
    for size in range(TIMEZONE_LONGEST_PREFIX, 0, -1):
        zones = TIMEZONE_DATA.get(code[: 1 + size])
        if zones is not None:
            return _zone(zones)
    return None


def normalise(raw: str, default_region: str | None = None) -> str | None:
    """The number in E.164, or None when it is not a valid phone number."""
    parsed = parse_contact(raw, default_region)
    return None if parsed is None else parsed[0]


def parse_contact(raw: str, default_region: str | None = None) -> tuple[str, str | None] | None:
    """(the number in E.164, its recipient's time zone or None), or None when the number is
    not valid."""
    value = raw.strip()
    if _E164.fullmatch(value):
        found = _classify(value[1:])
        if found is not None:
            return value, _fast_zone(value[1:], *found)
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    zone = _zone(tuple(number_timezones.time_zones_for_number(number)))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), zone


def timezone_of(e164: str) -> str | None:
    parsed = parse_contact(e164)
    return None if parsed is None else parsed[1]


def is_region(code: str) -> bool:
    return code.upper() in phonenumbers.SUPPORTED_REGIONS
