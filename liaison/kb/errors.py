"""Every machine-readable error code the knowledge base raises (code → meaning). The API
carries them as `errors[].code`; clients branch on the code, never on the English message."""

CODES: dict[str, str] = {
    "kb.title_required": "The article has no title.",
    "kb.title_too_long": "The title is over 200 characters.",
    "kb.summary_too_long": "The summary is over 300 characters.",
    "kb.body_required": "The article has no text.",
    "kb.body_too_long": "The text is over 100,000 characters.",
    "kb.body_empty_once_sanitised": "Nothing is left of the text once unsafe markup is removed.",
    "kb.audience_invalid": "The audience is neither staff nor public.",
    "kb.category_invalid": "The category is not one from the list.",
    "kb.category_unknown": "No category has this slug (API).",
    "kb.tags_too_long": "The tags are over 300 characters in all.",
    "kb.slug_invalid": "The web address has no letters or numbers left once made URL-safe.",
    "kb.slug_reserved": "The web address is one the knowledge base uses itself (new, search, categories).",
    "kb.slug_taken": "Another article already uses this web address.",
    "kb.slug_required": "An existing article's web address was emptied.",
    "kb.status_drafts_for_writers": "Drafts were asked for by someone whose role does not write articles.",
}
