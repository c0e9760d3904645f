"""Text filters for the shell's templates."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Where a long word may wrap without breaking a name in two: after a slash ("Equipment/|printing"),
# before an at sign ("advising|@college.example") and after a dot inside an address.
_SOFT_BREAK = re.compile(r"(?<=/)(?=\S)|(?=@)|(?<=\.)(?=\w)")


@register.filter(is_safe=True)
def soft_breaks(value: object) -> SafeString:
    """Escape `value` and let it wrap at its natural joints (a <wbr> each), so a narrow column
    shows "Equipment/" above "printing" and an e-mail address breaks at "@", never mid-word."""
    return mark_safe(_SOFT_BREAK.sub("<wbr>", str(escape(value))))
