"""Software access's importers, registered with the imports app (`liaison.imports.registry`).
The imports engine does the rest: upload, column mapping, checking every row, all or nothing.

- `software_courses`: the registrar's course list (term, code, section, name, department,
  enrolment, instructors).
- `software_image_contents`: what an image has installed, one row per image and title, from
  an inventory agent (e.g. PDQ, Lansweeper) or a management tool's export (Intune, Jamf, SCCM).
- `software_profiles`: managed profiles, one row per profile: who it is for, the permissions it
  grants, and the titles it allows or blocks.
- `software_workstations`: the staff profiles actually in use, one row per machine: its person,
  role and granted permissions (the drift report reads these).

Each importer reads other apps through their selectors only (labs through `places`, people
through `accounts`) and this app's catalogue through its own selectors. Bad rows are reported
one by one, naming the field: a title the catalogue does not know, a version it does not list
(with the versions it does), a room that is not a lab, a permission nobody defined, a role that
is not a staff role. A row the database already holds unchanged counts as already imported; a
changed row (a new version, a new enrolment) updates. Nothing is removed: a title gone from an
image is removed on the image's page in Setup (an import lists what it saw, not what it did not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from liaison.core.roles import Role
from liaison.imports.registry import CHOICE, INTEGER, TEXT, KeyedImporter, Preset, TargetField, register
from liaison.places import selectors as places_selectors
from liaison.software import events, policy, selectors, services, versions
from liaison.software.models import (
    Image,
    ImageItem,
    Permission,
    Platform,
    Profile,
    ProfileRule,
    Term,
    Title,
    Workstation,
)

STAFF_ROLES = {r.value: r for r in Role if r != Role.ADMINISTRATOR}
ROLE_WORDS = {
    **{r.value: r.value for r in Role if r != Role.ADMINISTRATOR},
    **{r.label.lower(): r.value for r in Role if r != Role.ADMINISTRATOR},
    "librarian": Role.LIBRARY_STAFF,
    "library": Role.LIBRARY_STAFF,
    "it": Role.IT_STAFF,
    "technician": Role.IT_STAFF,
    "student": Role.STUDENT_WORKER,
}


def _key(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,|\n]", text or "") if p.strip()]


def _refuse_unless(allowed: bool, what: str) -> None:
    if not allowed:
        raise ValidationError({"file": f"Only IT and supervisors import {what}."})


class _SoftwareImporter(KeyedImporter):
    """What the four share: one look-up of each list per run, and identities keyed by the
    row's own name (so the same row twice in a file is caught) plus what it says (so an
    unchanged row counts as already imported and a changed one updates)."""

    import_roles = policy.IMPORT_ROLES

    def __init__(self, *, actor=None, source_name: str = ""):
        super().__init__(actor=actor, source_name=source_name)
        self._cache: dict[str, dict[str, Any]] = {}
        self._said: dict[str, str] = {}

    def _allowed(self) -> bool:
        from liaison.core.access import user_has_role

        return self.actor is None or user_has_role(self.actor, *self.import_roles)

    def _lookup(self, name: str, build) -> dict[str, Any]:
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    def titles(self) -> dict[str, Title]:
        def build():
            out: dict[str, Title] = {}
            for title in selectors.title_choices().prefetch_related("versions"):
                out[_key(title.name)] = title
                out.setdefault(_key(title.slug), title)
            return out

        return self._lookup("titles", build)

    def labs(self) -> dict[str, Any]:
        def build():
            out: dict[str, Any] = {}
            for room in places_selectors.lab_list():
                out[_key(room.name)] = room
                out.setdefault(_key(f"{room.building.code} {room.number}"), room)
            return out

        return self._lookup("labs", build)

    def permissions(self) -> dict[str, Permission]:
        def build():
            out: dict[str, Permission] = {}
            for permission in selectors.permission_list():
                out[_key(permission.key)] = permission
                out[_key(permission.label)] = permission
                out.setdefault(_key(permission.key.replace("_", " ")), permission)
            return out

        return self._lookup("permissions", build)

    def profiles(self) -> dict[str, Profile]:
        def build():
            out: dict[str, Profile] = {}
            for profile in selectors.profile_list():
                out[_key(profile.name)] = profile
                out.setdefault(_key(profile.slug), profile)
            return out

        return self._lookup("profiles", build)

    def title(self, name: str, errors: dict[str, str], field_name: str = "title") -> Title | None:
        title = self.titles().get(_key(name))
        if title is None:
            errors[field_name] = (
                f"Unknown title {name!r}: it is not in the catalogue. Add it in Setup first, or map the name."
            )
        return title

    def permission_list(self, text: str, errors: dict[str, str], field_name: str) -> list[Permission]:
        found, unknown = [], []
        for word in _split(text):
            permission = self.permissions().get(_key(word)) or self.permissions().get(_key(word.replace("_", " ")))
            if permission is None:
                unknown.append(word)
            elif permission not in found:
                found.append(permission)
        if unknown:
            known = ", ".join(sorted({p.key for p in self.permissions().values()}))
            errors[field_name] = f"Unknown permission(s) {', '.join(unknown)} (known: {known})."
        return found

    def _identity(self, name: str, said: Any) -> str:
        identity = f"id:{name}"
        self._said[identity] = repr(said)
        return identity

    def stored_as(self, identities: list[str]) -> dict[str, str]:
        """identity → what the database says now, in the same form as `_said`."""
        raise NotImplementedError

    def stored_identities(self, identities: list[str]) -> set[str]:
        identities = list(identities)
        stored = self.stored_as(identities)
        return {i for i in identities if i in stored and stored[i] == self._said.get(i)}


# --- The registrar's course list -------------------------------------------------------------------


@dataclass
class CourseRow:
    term: Term
    code: str
    section: str
    name: str
    department: str
    enrolment: int
    instructors: list[tuple[str, str]] = field(default_factory=list)


@register
class CourseImporter(_SoftwareImporter):
    key = "software_courses"
    label = "Courses (the registrar's list)"
    description = "A term's courses with their departments, enrolment and instructors, for the course software matrix."
    import_roles = policy.NEED_ROLES
    fields = (
        TargetField("term", "Term", CHOICE, required=True, help="The term, by its slug or name. Usually one default for the file."),
        TargetField("code", "Course code", TEXT, required=True, help="e.g. BIO 210.", max_columns=2, aliases=("course", "subject number", "course code")),
        TargetField("section", "Section", TEXT, aliases=("sec", "section number")),
        TargetField("name", "Course title", TEXT, required=True, aliases=("title", "course title", "course name")),
        TargetField("department", "Department", TEXT, required=True, aliases=("dept", "subject", "department name")),
        TargetField("enrolment", "Enrolment", INTEGER, minimum=0, maximum=5000, aliases=("enrollment", "enrolled", "students", "seats taken")),
        TargetField("instructors", "Instructors", TEXT, help="Names, separated by ';'.", aliases=("instructor", "faculty", "teacher")),
        TargetField("instructor_emails", "Instructor e-mails", TEXT, help="E-mail addresses in the same order, separated by ';'.", aliases=("instructor email", "email", "faculty email")),
    )  # fmt: skip
    presets = (
        Preset(
            key="banner",
            label="Banner class schedule (SSASECT export)",
            help="Ellucian Banner's section export: SUBJ and CRSE make the code.",
            columns={
                "code": (("SUBJ", "CRSE"),),
                "section": (("SEQ",),),
                "name": (("TITLE",),),
                "department": (("DEPT",), ("SUBJ",)),
                "enrolment": (("ENRL",), ("ACTUAL",)),
                "instructors": (("INSTRUCTOR",),),
                "instructor_emails": (("INSTRUCTOR_EMAIL",),),
            },
            signature=("SUBJ", "CRSE", "SEQ"),
        ),
    )

    def terms(self) -> dict[str, Term]:
        def build():
            out: dict[str, Term] = {}
            for term in selectors.term_list():
                out[_key(term.slug)] = term
                out[_key(term.name)] = term
            return out

        return self._lookup("terms", build)

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "term":
            return [(t.slug, t.name) for t in selectors.term_list()]
        return None

    def clean_constants(self, constants: dict[str, Any]) -> None:
        term = constants.get("term")
        if term and _key(term) not in self.terms():
            raise ValidationError({"term": f"Unknown term {term!r}."})

    def row_key(self, mapped: dict[str, Any]) -> str:
        name = f"{_key(mapped.get('term') or '')}|{_key(mapped.get('code') or '')}|{_key(mapped.get('section') or '')}"
        said = (
            (mapped.get("name") or "").strip(),
            (mapped.get("department") or "").strip(),
            mapped.get("enrolment") or 0,
            sorted(e.lower() for e in _split(mapped.get("instructor_emails") or "")),
        )
        return self._identity(name, said)

    def stored_as(self, identities: list[str]) -> dict[str, str]:
        from liaison.software.models import Course

        out = {}
        for course in Course.objects.select_related("term").prefetch_related("instructors"):
            said = (course.name, course.department, course.enrolment, sorted(i.email for i in course.instructors.all()))
            for term_key in (_key(course.term.slug), _key(course.term.name)):
                out[f"id:{term_key}|{_key(course.code)}|{_key(course.section)}"] = repr(said)
        return {i: out[i] for i in identities if i in out}

    def build_row(self, mapped: dict[str, Any], *, identity: str) -> CourseRow:
        _refuse_unless(self._allowed(), "the course list")
        errors: dict[str, str] = {}
        term = self.terms().get(_key(mapped.get("term") or ""))
        if term is None:
            errors["term"] = f"Unknown term {mapped.get('term')!r}."
        code = " ".join((mapped.get("code") or "").split()).upper()
        if len(code) > 30:
            errors["code"] = "A course code is at most 30 characters."
        names = _split(mapped.get("instructors") or "")
        emails = [e.lower() for e in _split(mapped.get("instructor_emails") or "")]
        if emails and len(names) != len(emails):
            errors["instructor_emails"] = f"{len(names)} instructor name(s) but {len(emails)} e-mail address(es)."
        bad = [e for e in emails if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e)]
        if bad:
            errors["instructor_emails"] = f"Not an e-mail address: {', '.join(bad)}."
        if names and not emails:
            errors["instructor_emails"] = "Give each instructor's e-mail address, so they can be sent their link."
        if errors:
            raise ValidationError(errors)
        return CourseRow(
            term=term,  # type: ignore[arg-type]
            code=code,
            section=(mapped.get("section") or "").strip()[:10],
            name=(mapped.get("name") or "").strip()[:200],
            department=(mapped.get("department") or "").strip()[:100],
            enrolment=mapped.get("enrolment") or 0,
            instructors=list(zip(names, emails, strict=True)),
        )

    def describe(self, obj: CourseRow) -> dict[str, str]:
        return {
            "course": f"{obj.code}-{obj.section}" if obj.section else obj.code,
            "title": obj.name,
            "department": obj.department,
            "students": str(obj.enrolment),
            "instructors": ", ".join(n for n, _e in obj.instructors),
        }

    def commit(self, objects: list[CourseRow]) -> int:
        for row in objects:
            services.course_upsert(
                term=row.term, code=row.code, section=row.section, name=row.name, department=row.department,
                enrolment=row.enrolment, instructors=row.instructors,
            )  # fmt: skip
        events.imported(actor=self.actor, what="courses", summary={"rows": len(objects)})
        return len(objects)


# --- What an image has installed -------------------------------------------------------------------


@dataclass
class ImageRow:
    image_name: str
    image: Image | None
    lab: Any
    platform: str
    title: Title
    version: str
    profile: Profile | None


@register
class ImageContentsImporter(_SoftwareImporter):
    key = "software_image_contents"
    label = "Lab image contents (inventory)"
    description = (
        "What each lab image has installed, one row per image and title, from an inventory agent or management tool."
    )
    fields = (
        TargetField("image", "Image", TEXT, required=True, help="The image's name; a new name makes a new image.", aliases=("image name", "collection", "device group", "build")),
        TargetField("title", "Title", TEXT, required=True, help="The catalogue's name for the software.", aliases=("software", "application", "app", "product", "display name", "name")),
        TargetField("version", "Version", TEXT, help="Must be a version the catalogue lists for the title.", aliases=("app version", "display version", "product version")),
        TargetField("lab", "Lab", TEXT, help="The lab that runs the image (a room of kind lab), by name.", aliases=("room", "location")),
        TargetField("platform", "Platform", CHOICE, help="windows, macos or linux (new images only).", aliases=("os", "operating system")),
        TargetField("profile", "Student profile", TEXT, help="The profile students sign in with on it.", aliases=("profile name",)),
    )  # fmt: skip
    presets = (
        Preset(
            key="intune",
            label="Microsoft Intune (Discovered apps export)",
            help="Intune's 'Discovered apps' per device group: Application name, Application version, Device group.",
            columns={"image": (("Device group",),), "title": (("Application name",),), "version": (("Application version",),), "platform": (("Platform",),)},
            value_maps={"platform": {"windows": "windows", "macos": "macos", "mac os": "macos"}},
            signature=("Application name", "Application version"),
        ),
        Preset(
            key="pdq",
            label="PDQ Inventory (Applications report)",
            help="PDQ Inventory's applications report by collection.",
            columns={"image": (("Collection Name",),), "title": (("Application Name",),), "version": (("Application Version",),)},
            signature=("Collection Name", "Application Name"),
        ),
    )  # fmt: skip

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "platform":
            return [(p.value, p.label) for p in Platform if p != Platform.WEB]
        return None

    def images(self) -> dict[str, Image]:
        def build():
            out: dict[str, Image] = {}
            for image in selectors.image_list():
                out[_key(image.name)] = image
                out.setdefault(_key(image.slug), image)
            return out

        return self._lookup("images", build)

    def row_key(self, mapped: dict[str, Any]) -> str:
        name = f"{_key(mapped.get('image') or '')}|{_key(mapped.get('title') or '')}"
        return self._identity(name, (mapped.get("version") or "").strip())

    def stored_as(self, identities: list[str]) -> dict[str, str]:
        out = {}
        for item in ImageItem.objects.select_related("image", "title"):
            for title_key in (_key(item.title.name), _key(item.title.slug)):
                out[f"id:{_key(item.image.name)}|{title_key}"] = repr(item.version)
        return {i: out[i] for i in identities if i in out}

    def build_row(self, mapped: dict[str, Any], *, identity: str) -> ImageRow:
        _refuse_unless(self._allowed(), "lab images")
        errors: dict[str, str] = {}
        title = self.title(mapped.get("title") or "", errors)
        version = (mapped.get("version") or "").strip()
        if title is not None and version:
            known = [v.version for v in title.versions.all()]
            if not any(versions.compare(version, k) == 0 for k in known):
                listed = ", ".join(sorted(known, key=versions.version_key)) or "none yet"
                errors["version"] = f"The catalogue lists no version {version!r} of {title.name} (it lists: {listed})."
        lab = None
        if mapped.get("lab"):
            lab = self.labs().get(_key(mapped["lab"]))
            if lab is None:
                errors["lab"] = f"No lab is called {mapped['lab']!r} (a lab is a room of kind lab in Places)."
        platform = (mapped.get("platform") or "").strip().lower()
        if platform and platform not in ("windows", "macos", "linux"):
            errors["platform"] = "Use windows, macos or linux."
        profile = None
        if mapped.get("profile"):
            profile = self.profiles().get(_key(mapped["profile"]))
            if profile is None:
                errors["profile"] = f"No profile is called {mapped['profile']!r}."
        name = " ".join((mapped.get("image") or "").split())[:120]
        if not slugify(name):
            errors["image"] = "An image needs a name with letters or numbers."
        if errors:
            raise ValidationError(errors)
        return ImageRow(
            image_name=name,
            image=self.images().get(_key(name)),
            lab=lab,
            platform=platform or "windows",
            title=title,  # type: ignore[arg-type]
            version=version,
            profile=profile,
        )

    def describe(self, obj: ImageRow) -> dict[str, str]:
        return {
            "image": obj.image_name + ("" if obj.image else " (new)"),
            "title": obj.title.name,
            "version": obj.version or "not recorded",
            "lab": str(obj.lab or ""),
        }

    def summary_notes(self, objects: list[ImageRow]) -> list[str]:
        new = sorted({o.image_name for o in objects if o.image is None})
        return [f"{len(new)} new image(s) will be made: {', '.join(new[:10])}."] if new else []

    def commit(self, objects: list[ImageRow]) -> int:
        made: dict[str, Image] = {}
        for row in objects:
            image = row.image or made.get(_key(row.image_name))
            if image is None:
                image, _ = Image.objects.get_or_create(
                    slug=slugify(row.image_name)[:130],
                    defaults={"name": row.image_name, "platform": row.platform, "profile": row.profile},
                )
                made[_key(row.image_name)] = image
            if row.lab is not None:
                image.labs.add(row.lab)
            if row.profile is not None and image.profile_id != row.profile.pk:
                Image.objects.filter(pk=image.pk).update(profile=row.profile)
            services.image_item_set(actor=None, image=image, title=row.title, version=row.version)
        events.imported(actor=self.actor, what="images", summary={"rows": len(objects), "new_images": sorted(made)})
        return len(objects)


# --- Managed profiles ---------------------------------------------------------------------------------


@dataclass
class ProfileRow:
    name: str
    profile: Profile | None
    kind: str
    role: str
    permissions: list[Permission]
    allows: list[Title]
    blocks: list[Title]


@register
class ProfileImporter(_SoftwareImporter):
    key = "software_profiles"
    label = "Managed profiles"
    description = "Managed profiles (the student profile, staff profiles by role): the permissions each grants and the titles it allows or blocks."
    fields = (
        TargetField("profile", "Profile", TEXT, required=True, aliases=("profile name", "policy", "configuration profile")),
        TargetField("kind", "For", CHOICE, required=True, help="student or staff.", aliases=("type", "audience")),
        TargetField("role", "Staff role", CHOICE, help="For staff profiles: library_staff, it_staff, supervisor or student_worker.", aliases=("role",)),
        TargetField("permissions", "Grants", TEXT, help="Permission keys or names, separated by ';' (install_software; add_printers; run_as_admin; usb_storage; or the site's own).", aliases=("permissions", "grants", "rights")),
        TargetField("allows", "Allows titles", TEXT, help="Titles it lets run, separated by ';'.", aliases=("allowed", "allowed apps", "allow list")),
        TargetField("blocks", "Blocks titles", TEXT, help="Titles it blocks, separated by ';'.", aliases=("blocked", "blocked apps", "block list")),
    )  # fmt: skip

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "kind":
            return list(Profile.Kind.choices)
        if field_name == "role":
            return [(r.value, r.label) for r in STAFF_ROLES.values()]
        return None

    def row_key(self, mapped: dict[str, Any]) -> str:
        said = (
            _key(mapped.get("kind") or ""),
            _key(mapped.get("role") or ""),
            sorted(_key(p) for p in _split(mapped.get("permissions") or "")),
            sorted(_key(t) for t in _split(mapped.get("allows") or "")),
            sorted(_key(t) for t in _split(mapped.get("blocks") or "")),
        )
        return self._identity(_key(mapped.get("profile") or ""), said)

    def stored_as(self, identities: list[str]) -> dict[str, str]:
        return {}  # a profile row always re-applies: cheap, and what it says is the profile

    def build_row(self, mapped: dict[str, Any], *, identity: str) -> ProfileRow:
        _refuse_unless(self._allowed(), "profiles")
        errors: dict[str, str] = {}
        kind = _key(mapped.get("kind") or "")
        kind = {"students": "student", "student profile": "student", "staff profile": "staff"}.get(kind, kind)
        if kind not in Profile.Kind.values:
            errors["kind"] = "Use student or staff."
        role = ROLE_WORDS.get(_key(mapped.get("role") or ""), "")
        if kind == "staff" and not role:
            errors["role"] = "A staff profile needs a staff role (library_staff, it_staff, supervisor, student_worker)."
        if kind == "student":
            role = ""
        permissions = self.permission_list(mapped.get("permissions") or "", errors, "permissions")
        allows, blocks = [], []
        for field_name, bucket in (("allows", allows), ("blocks", blocks)):
            unknown = []
            for name in _split(mapped.get(field_name) or ""):
                title = self.titles().get(_key(name))
                if title is None:
                    unknown.append(name)
                else:
                    bucket.append(title)
            if unknown:
                errors[field_name] = f"Unknown title(s), not in the catalogue: {', '.join(unknown)}."
        both = sorted({t.name for t in allows} & {t.name for t in blocks})
        if both:
            errors["blocks"] = f"Both allowed and blocked: {', '.join(both)}."
        name = " ".join((mapped.get("profile") or "").split())[:120]
        if errors:
            raise ValidationError(errors)
        return ProfileRow(
            name=name,
            profile=self.profiles().get(_key(name)),
            kind=kind,
            role=role,
            permissions=permissions,
            allows=allows,
            blocks=blocks,
        )

    def describe(self, obj: ProfileRow) -> dict[str, str]:
        return {
            "profile": obj.name + ("" if obj.profile else " (new)"),
            "for": obj.role or obj.kind,
            "grants": ", ".join(p.label for p in obj.permissions),
            "allows": str(len(obj.allows)),
            "blocks": str(len(obj.blocks)),
        }

    def commit(self, objects: list[ProfileRow]) -> int:
        for row in objects:
            profile = row.profile
            if profile is None:
                profile = Profile.objects.create(
                    name=row.name, slug=slugify(row.name)[:130], kind=row.kind, role=row.role
                )
            else:
                Profile.objects.filter(pk=profile.pk).update(kind=row.kind, role=row.role)
            before = sorted(profile.permissions.values_list("key", flat=True))
            profile.permissions.set(row.permissions)
            for title, allowed in [*((t, True) for t in row.allows), *((t, False) for t in row.blocks)]:
                ProfileRule.objects.update_or_create(profile=profile, title=title, defaults={"allowed": allowed})
            events.profile_changed(
                actor=self.actor,
                profile=profile,
                before={"permissions": before},
                after={
                    "permissions": sorted(p.key for p in row.permissions),
                    "allows": [t.name for t in row.allows],
                    "blocks": [t.name for t in row.blocks],
                },
            )
        return len(objects)


# --- Staff workstations (the profiles actually in use) ------------------------------------------------------


@dataclass
class WorkstationRow:
    hostname: str
    role: str
    person: Any
    profile: Profile | None
    permissions: list[Permission]


@register
class WorkstationImporter(_SoftwareImporter):
    key = "software_workstations"
    label = "Staff workstations (profiles in use)"
    description = "The permissions each staff machine or person actually has, from an inventory or management tool: the drift report compares them with the role's baseline."
    fields = (
        TargetField("hostname", "Machine", TEXT, required=True, aliases=("hostname", "device name", "computer name", "machine")),
        TargetField("role", "Role", CHOICE, required=True, help="The staff role whose baseline applies.", aliases=("staff role", "user role")),
        TargetField("person", "Person", TEXT, help="The username of who uses it (blank: a shared machine).", aliases=("username", "user", "primary user")),
        TargetField("permissions", "Granted", TEXT, help="Permission keys or names, separated by ';'.", aliases=("permissions", "rights", "granted")),
        TargetField("profile", "Profile", TEXT, help="The managed profile it reports, if any.", aliases=("profile name", "configuration profile")),
    )  # fmt: skip

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "role":
            return [(r.value, r.label) for r in STAFF_ROLES.values()]
        return None

    def people(self) -> dict[str, Any]:
        def build():
            from liaison.accounts import selectors as account_selectors

            return {_key(u.username): u for u in account_selectors.user_list(active_only=False)}

        return self._lookup("people", build)

    def row_key(self, mapped: dict[str, Any]) -> str:
        said = (
            ROLE_WORDS.get(_key(mapped.get("role") or ""), ""),
            _key(mapped.get("person") or ""),
            sorted({p.key for p in self.permission_list(mapped.get("permissions") or "", {}, "permissions")}),
        )
        return self._identity(_key(mapped.get("hostname") or ""), said)

    def stored_as(self, identities: list[str]) -> dict[str, str]:
        out = {}
        for station in Workstation.objects.select_related("person").prefetch_related("permissions"):
            said = (
                station.role,
                _key(station.person.username) if station.person else "",
                sorted(p.key for p in station.permissions.all()),
            )
            out[f"id:{_key(station.hostname)}"] = repr(said)
        return {i: out[i] for i in identities if i in out}

    def build_row(self, mapped: dict[str, Any], *, identity: str) -> WorkstationRow:
        _refuse_unless(self._allowed(), "workstations")
        errors: dict[str, str] = {}
        hostname = (mapped.get("hostname") or "").strip().upper()[:100]
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]*", hostname):
            errors["hostname"] = "A machine name is letters, numbers, '.', '-' and '_'."
        role = ROLE_WORDS.get(_key(mapped.get("role") or ""), "")
        if not role:
            errors["role"] = "Use a staff role: library_staff, it_staff, supervisor or student_worker."
        person = None
        if mapped.get("person"):
            person = self.people().get(_key(mapped["person"]))
            if person is None:
                errors["person"] = f"Nobody has the username {mapped['person']!r}."
        profile = None
        if mapped.get("profile"):
            profile = self.profiles().get(_key(mapped["profile"]))
            if profile is None:
                errors["profile"] = f"No profile is called {mapped['profile']!r}."
        permissions = self.permission_list(mapped.get("permissions") or "", errors, "permissions")
        if errors:
            raise ValidationError(errors)
        return WorkstationRow(hostname=hostname, role=role, person=person, profile=profile, permissions=permissions)

    def describe(self, obj: WorkstationRow) -> dict[str, str]:
        return {
            "machine": obj.hostname,
            "role": str(STAFF_ROLES[obj.role].label),
            "person": obj.person.username if obj.person else "shared",
            "granted": ", ".join(p.label for p in obj.permissions),
        }

    def commit(self, objects: list[WorkstationRow]) -> int:
        for row in objects:
            services.workstation_upsert(
                hostname=row.hostname,
                role=row.role,
                permissions=row.permissions,
                person=row.person,
                profile=row.profile,
            )
        events.imported(actor=self.actor, what="workstations", summary={"rows": len(objects)})
        return len(objects)
