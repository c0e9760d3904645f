"""Liaison's database backends: Django's own, with the few corrections they need (ADR 0062)."""
