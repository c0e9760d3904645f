"""Every machine-readable code accounts raises (`reject(field, message, code=...)`). Request-level
codes (`not_authenticated`, `not_found`, …) are `liaison.core.errors.GENERIC_CODES`."""

CODES: dict[str, str] = {
    "accounts.token_name_missing": "An API token needs a name that says what uses it.",
    "accounts.token_name_too_long": "An API token's name is over 100 characters.",
}
