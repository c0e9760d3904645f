"""Screenshots of Liaison's pages at desktop and phone widths, for a person to look at.

    .venv/bin/python tools/screenshots.py --base http://127.0.0.1:8000 --user library /home/ /places/

Signs in with a demo sign-in (password liaison-demo) unless --user is omitted; writes PNGs
to var/screenshots/ (or --out)."""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="liaison-demo")
    parser.add_argument("--out", default="var/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for size_name, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            if args.user:
                page.goto(f"{args.base}/accounts/sign-in/")
                page.get_by_label("Username").fill(args.user)
                page.get_by_label("Password").fill(args.password)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
            for path in args.paths:
                page.goto(args.base + path)
                page.wait_for_load_state("networkidle")
                name = re.sub(r"[^\w]+", "_", path).strip("_") or "root"
                target = out / f"{args.user or 'anon'}_{name}_{size_name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
