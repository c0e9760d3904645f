"""Turning what someone typed into search terms, the same way on SQLite and PostgreSQL.

No domain knowledge: domains decide which fields to search and how to weigh them. The
terms are lower-cased, stop words dropped, and lightly stemmed ("printers" → "printer",
"scanning" → "scan"), so a term matches as a word *prefix* in the text ("transc" finds
"transcripts" while someone is still typing).
"""

from __future__ import annotations

import re

STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "get", "got",
        "handle", "handles", "how", "i", "in", "is", "me", "my", "need", "of", "on", "or", "our", "the",
        "their", "there", "this", "to", "was", "what", "when", "where", "which", "who", "whom", "why", "will",
        "with", "you", "your",
    }
)  # fmt: skip
MAX_TERMS = 8
_WORD = re.compile(r"[0-9a-z]+(?:[-'+#.][0-9a-z]+)*\+*", re.IGNORECASE)


def words(text: str) -> list[str]:
    """'Wi-Fi & eduroam (802.1X)' -> ['wi-fi', 'eduroam', '802.1x']"""
    return [w.lower() for w in _WORD.findall(text or "")]


def text_words(text: str) -> list[str]:
    """The words of a text to match terms against; hyphenated words also count joined
    and in parts, so 'wifi', 'wi-fi' and 'fi' all find 'Wi-Fi'."""
    out: list[str] = []
    for word in words(text):
        out.append(word)
        if "-" in word:
            out.append(word.replace("-", ""))
            out.extend(part for part in word.split("-") if part)
    return out


def stem(word: str) -> str:
    """A deliberately light English stemmer: enough for plurals and -ing forms."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        base = word[:-3]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "aeiouls":
            base = base[:-1]  # scanning -> scan
        return base
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def search_terms(query: str) -> list[str]:
    """Distinct stemmed terms in the order typed, at most MAX_TERMS of them."""
    terms: list[str] = []
    for word in words(query):
        if word in STOP_WORDS:
            continue
        term = stem(word.replace("-", ""))  # 'e-mail' and 'email' are one term
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def match_strength(term: str, candidates: list[str]) -> float:
    """How well a term matches a list of words (see text_words): 1.0 when it begins a word
    (or equals it, for short terms like 'it' or 'av'), 0.5 when a word's stem begins the
    term ('printing' for 'printers'), otherwise 0."""
    if len(term) < 3:
        return 1.0 if term in candidates else 0.0
    if any(w.startswith(term) for w in candidates):
        return 1.0
    for w in candidates:
        base = stem(w)
        if len(base) >= 4 and term.startswith(base):
            return 0.5
    return 0.0


def hyphenated_forms(term: str) -> list[str]:
    """'wifi' -> ['w-ifi', 'wi-fi', 'wif-i']: how a joined term may be written in text, for
    substring (icontains) lookups. Only for short single words, where it is cheap."""
    if not 3 <= len(term) <= 10 or "-" in term:
        return []
    return [f"{term[:cut]}-{term[cut:]}" for cut in range(1, len(term))]
