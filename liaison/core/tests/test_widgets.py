import re

from django import forms

from liaison.core.widgets import QuickSelect

CHOICES = [("", "Choose…"), ("IT <desk>", [(1, "A & B"), (2, 'C "quoted"')]), (3, "<b>Top</b>")]


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_quick_select_writes_what_djangos_select_writes():
    """Same options, groups, selection, attributes and escaping: only the whitespace differs."""
    attrs = {"aria-describedby": "queue-help", "required": True, "disabled": False}
    django_select, quick = forms.Select(attrs=attrs), QuickSelect(attrs=attrs)
    django_select.choices = quick.choices = CHOICES
    for value in (2, None, 3):
        expected = django_select.render("queue", value, attrs={"id": "id_queue"})
        assert _squash(quick.render("queue", value, attrs={"id": "id_queue"})) == _squash(expected)
    assert "&lt;b&gt;Top&lt;/b&gt;" in quick.render("queue", None)
