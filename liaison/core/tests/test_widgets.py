import re

from django import forms

from liaison.core.widgets import QuickFileInput, QuickHiddenInput, QuickSelect, QuickTextarea, QuickTextInput

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


def test_quick_inputs_write_what_djangos_inputs_write():
    attrs = {"maxlength": 200, "required": True, "placeholder": 'e.g. "toner" <low>', "disabled": False}
    pairs = [
        (forms.TextInput(attrs=attrs), QuickTextInput(attrs=attrs)),
        (forms.Textarea(attrs={"rows": 4, **attrs}), QuickTextarea(attrs={"rows": 4, **attrs})),
        (forms.FileInput(attrs=attrs), QuickFileInput(attrs=attrs)),
        (forms.HiddenInput(attrs=attrs), QuickHiddenInput(attrs=attrs)),
    ]
    for django_widget, quick in pairs:
        for value in (None, "", 'Toner <b>low</b> & "jammed"\nsecond line', 42):
            expected = django_widget.render("reason", value, attrs={"id": "id_reason"})
            assert quick.render("reason", value, attrs={"id": "id_reason"}) == expected, (quick, value)
    assert "&lt;b&gt;low&lt;/b&gt;" in QuickTextarea().render("body", "Toner <b>low</b>")
