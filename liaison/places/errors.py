"""Every machine-readable code places raises (`reject(field, message, code=...)`). Request-level
codes (`forbidden`, `not_found`, …) are `liaison.core.errors.GENERIC_CODES`."""

CODES: dict[str, str] = {
    "places.reason_missing": "An hours exception needs a reason (e.g. 'Thanksgiving').",
    "places.special_hours_incomplete": "Special (not closed) hours need both an opening and a closing time.",
    "places.closes_before_opens": "The closing time is not after the opening time.",
}
