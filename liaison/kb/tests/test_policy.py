"""Who may read and write which article: the policy the pages, the API, the services and
other apps (tickets links articles by id) all ask."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.kb import policy, services
from liaison.kb.models import Article
from liaison.kb.selectors import article_get_for_user
from liaison.kb.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(title="Guest Wi-Fi (draft)", slug="guest-wifi", published=False)


@pytest.fixture
def staff_only():
    return make_article(title="Printer jams", slug="printer-jams", audience="staff")


def test_a_student_worker_cannot_write_through_the_services_either(users):
    student = users[Role.STUDENT_WORKER]
    with pytest.raises(PermissionDenied):
        services.article_create(actor=student, title="Sneaky", body="Not allowed.")
    assert not Article.objects.exists()


@pytest.mark.parametrize("role", [Role.STUDENT_WORKER, None])
def test_only_writers_may_change_publish_or_unpublish_an_article(users, draft, staff_only, role):
    actor = users[role] if role else AnonymousUser()
    with pytest.raises(PermissionDenied):
        services.article_update(actor=actor, article=staff_only, data={"title": "Changed"})
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=actor, article=draft)
    with pytest.raises(PermissionDenied):
        services.article_unpublish(actor=actor, article=staff_only)
    draft.refresh_from_db()
    staff_only.refresh_from_db()
    assert (draft.status, staff_only.title, staff_only.status) == ("draft", "Printer jams", "published")


def test_an_article_is_found_by_id_for_other_apps_but_a_draft_only_by_writers(users, draft, staff_only):
    student, librarian = users[Role.STUDENT_WORKER], users[Role.LIBRARY_STAFF]
    assert article_get_for_user(user=student, pk=staff_only.pk) == staff_only
    assert article_get_for_user(user=librarian, pk=draft.pk) == draft
    with pytest.raises(Http404):
        article_get_for_user(user=student, pk=draft.pk)
    with pytest.raises(Http404):
        article_get_for_user(user=student, pk=999_999)
    with pytest.raises(Http404):
        article_get_for_user(user=AnonymousUser(), pk=staff_only.pk)
    assert policy.article_is_published(staff_only) and not policy.article_is_published(draft)


def test_an_article_seen_but_not_yours_to_change_is_403_when_asked_for_editing(users, staff_only):
    with pytest.raises(PermissionDenied):
        article_get_for_user(user=users[Role.STUDENT_WORKER], slug=staff_only.slug, for_edit=True)
    assert article_get_for_user(user=users[Role.IT_STAFF], slug=staff_only.slug, for_edit=True) == staff_only


def test_the_selector_needs_exactly_one_of_id_or_address(users, staff_only):
    with pytest.raises(TypeError):
        article_get_for_user(user=users[Role.IT_STAFF])
    with pytest.raises(TypeError):
        article_get_for_user(user=users[Role.IT_STAFF], pk=staff_only.pk, slug=staff_only.slug)


def test_anyone_sees_a_published_public_article_and_nobody_but_writers_a_draft(users):
    public = make_article(title="Eduroam", slug="eduroam")
    anonymous = AnonymousUser()
    assert policy.can_see_article(anonymous, public)
    assert not policy.can_see_article(users[Role.STUDENT_WORKER], make_article(published=False))


def test_saving_an_unchanged_article_writes_nothing_and_audits_nothing(users, staff_only):
    before = AuditEvent.objects.count()
    updated_at = staff_only.updated_at
    services.article_update(actor=users[Role.IT_STAFF], article=staff_only, data={"title": "Printer jams", "tags": ""})
    staff_only.refresh_from_db()
    assert staff_only.updated_at == updated_at
    assert AuditEvent.objects.count() == before


def test_an_update_records_who_changed_it_and_what(users, staff_only):
    librarian = users[Role.LIBRARY_STAFF]
    services.article_update(actor=librarian, article=staff_only, data={"body": "Open tray **2**."})
    staff_only.refresh_from_db()
    assert staff_only.updated_by == librarian and "<strong>2</strong>" in staff_only.body_html
    event = AuditEvent.objects.filter(action="kb_article.update").get()
    assert event.actor == librarian and event.object_id == str(staff_only.pk)
