"""Software access at the issue's size: 5,000 titles in the catalogue, three lab images holding
1,500 titles each, 300 courses with 900 needs (issue 14: the gap matrix for a term in a
constant number of queries, rendered in under 300 ms).

`software` loads the data; `software_matrix` times the matrix page through the real view and
counts its queries (the median of 9 renders after 2 warm-ups)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

from bench.steps import step

TITLES = 5_000
COURSES = 300
NEEDS_PER_COURSE = 3
ITEMS_PER_IMAGE = 1_500


@step("software")
def software() -> None:
    from django.utils import timezone

    from liaison.places.models import Building, Room
    from liaison.software.models import Course, Image, ImageItem, Need, Profile, Term, Title, TitleVersion

    if Title.objects.count() >= TITLES:
        return
    rng = random.Random(14)
    today = timezone.localdate()
    term, _ = Term.objects.get_or_create(
        slug="bench-term",
        defaults={
            "name": "Bench term",
            "starts_on": today + dt.timedelta(days=40),
            "ends_on": today + dt.timedelta(days=150),
            "needs_deadline": today + dt.timedelta(days=10),
        },
    )
    building, _ = Building.objects.get_or_create(code="bench", defaults={"name": "Bench hall"})
    labs = [
        Room.objects.get_or_create(building=building, name=f"Bench lab {n}", defaults={"kind": Room.Kind.LAB})[0]
        for n in range(3)
    ]
    student, _ = Profile.objects.get_or_create(
        slug="bench-student", defaults={"name": "Bench students", "kind": "student"}
    )
    licences = ["free", "site", "seats"]
    titles = Title.objects.bulk_create(
        [
            Title(
                name=f"Bench title {n:05}",
                slug=f"bench-title-{n:05}",
                licence=licences[n % 3],
                seats=40 if n % 3 == 2 else None,
                delivery="web" if n % 50 == 0 else "image",
            )
            for n in range(TITLES)
        ]
    )
    TitleVersion.objects.bulk_create(
        [TitleVersion(title=t, version=f"{year}.{minor}") for t in titles for year, minor in ((2023, 1), (2024, 2))]
    )
    for n, lab in enumerate(labs):
        image = Image.objects.create(name=f"Bench image {n}", slug=f"bench-image-{n}", profile=student)
        image.labs.set([lab])
        chosen = rng.sample(titles, ITEMS_PER_IMAGE)
        ImageItem.objects.bulk_create(
            [ImageItem(image=image, title=t, version=rng.choice(["2023.1", "2024.2", ""])) for t in chosen]
        )
    courses = Course.objects.bulk_create(
        [
            Course(
                term=term,
                code=f"BEN {n:03}",
                section="01",
                name=f"Course {n}",
                department=f"Dept {n % 12}",
                enrolment=rng.choice([15, 30, 45]),
            )
            for n in range(COURSES)
        ]
    )
    Need.objects.bulk_create(
        [
            Need(
                course=course,
                title=title,
                min_version=rng.choice(["", "2024.1", "2023"]),
                lab=rng.choice([None, None, *labs]),
                needed_by=term.starts_on,
            )
            for course in courses
            for title in rng.sample(titles, NEEDS_PER_COURSE)
        ]
    )
    print(f"# software: {len(titles)} titles, {len(courses)} courses, {Need.objects.count()} needs", file=sys.stderr)


@step("software_matrix")
def software_matrix() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.harness import emit
    from liaison.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="library"))
    url = "/software/?term=bench-term"
    for _ in range(2):
        assert client.get(url).status_code == 200
    times, counts = [], []
    for _ in range(9):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"BEN 000" in response.content
        counts.append(len(queries))
    emit("software_gap_matrix_ms", round(statistics.median(times), 1), "ms")
    emit("software_gap_matrix_queries", max(counts), "queries")
