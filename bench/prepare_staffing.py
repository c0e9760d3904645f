"""Bench data for the pool: the demo college's pool (40 workers, a published term) and a known
calendar link for the student 'student', so the feed can be loaded without signing in."""

import sys

from bench.steps import step

FEED_TOKEN = "bench-feed-token-0123456789abcdefghij"


@step("staffing")
def staffing() -> None:
    from django.utils import timezone

    from liaison.accounts.models import User
    from liaison.demo.seed import seed_foundation
    from liaison.staffing.demo import seed_staffing
    from liaison.staffing.models import FeedToken
    from liaison.staffing.selectors import hash_feed_token

    seed_foundation(lambda msg: print(f"# {msg}", file=sys.stderr))
    seed_staffing(lambda msg: print(f"# {msg}", file=sys.stderr))
    FeedToken.objects.update_or_create(
        user=User.objects.get(username="student"),
        defaults={"token_hash": hash_feed_token(FEED_TOKEN), "created_at": timezone.now()},
    )
