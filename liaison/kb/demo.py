"""Demo knowledge base: the answers a joint library–IT desk gives every week. Used by
liaison/demo/seed.py; idempotent (categories and articles are looked up by slug)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from liaison.accounts.models import User
from liaison.kb.models import Article, Category
from liaison.kb.services import article_create

CATEGORIES = [
    ("printing-scanning", "Printing & scanning", 10),
    ("accounts-passwords", "Accounts & passwords", 20),
    ("wifi-network", "Wi-Fi & remote access", 30),
    ("research-help", "Research help", 40),
    ("software-labs", "Software & computer labs", 50),
    ("library-spaces", "Library spaces & borrowing", 60),
    ("accessibility", "Accessibility", 70),
    ("desk-procedures", "Desk procedures (staff)", 90),
]


class Doc(NamedTuple):
    slug: str
    title: str
    category: str
    audience: str
    summary: str
    tags: str
    body: str
    published: bool = True
    author: str = "library"


PUBLIC, STAFF = Article.Audience.PUBLIC, Article.Audience.STAFF

ARTICLES = [
    Doc(
        "printing-from-your-laptop",
        "Printing from your own laptop",
        "printing-scanning",
        PUBLIC,
        "Send a job from your laptop to the campus print queue, then release it at any library or lab printer.",
        "printing, laptop, mobile print, print release",
        """All library and lab printers share one queue, so you can print from your laptop
and pick the pages up at whichever printer is nearest.

1. Go to **print.college.example** and sign in with your campus account.
2. Choose *Upload*, pick your file (PDF, Word, PowerPoint, images), and set copies,
   colour and double-sided.
3. Walk to any printer, tap your campus ID card on the reader, and choose *Release*.

Jobs wait in the queue for **24 hours**. Black-and-white pages cost 8¢, colour 35¢;
the cost comes out of your print balance, which you can top up on the same site.

**Pages came out wrong?** Ask at the Research & IT Desk: we refund misprints caused
by the printer (not by the file).
""",
        author="it",
    ),
    Doc(
        "scan-to-email",
        "Scanning a document to your e-mail",
        "printing-scanning",
        PUBLIC,
        "Every library copier scans to e-mail for free, as PDF or JPEG.",
        "scanning, scan, pdf, copier",
        """Scanning is free on all library copiers.

1. Tap your campus ID card on the copier's reader.
2. Choose **Scan to Me** – the scan goes to your campus e-mail address.
3. Place pages face down on the glass, or face up in the top feeder for a stack.
4. Pick *PDF* (one file for many pages) or *JPEG*, then press **Start**.

Large scans (over about 40 pages) are split across several e-mails. For a book
chapter from another library, ask for a scan through Interlibrary Loan instead.
""",
        author="it",
    ),
    Doc(
        "connect-to-eduroam",
        "Connecting to Wi-Fi (eduroam)",
        "wifi-network",
        PUBLIC,
        "eduroam is the campus Wi-Fi for students, faculty and staff, and it also works at many other universities.",
        "wi-fi, wifi, eduroam, wireless, network",
        """Use the network called **eduroam**. Sign in with your *full* campus e-mail
address (for example `jsmith@college.example`) and your campus password.

- **Phones and laptops** may ask you to trust a certificate: check that it is issued
  to `radius.college.example`, then accept.
- **Changed your password?** Forget the eduroam network on each device and join it
  again, or your devices will lock your account by retrying the old password.
- **Visitors** use the *College-Guest* network, which needs no account.

Game consoles and smart TVs cannot join eduroam; register them for the device network
at the IT Help Desk.
""",
        author="it",
    ),
    Doc(
        "vpn-access",
        "Reaching campus systems from off campus (VPN)",
        "wifi-network",
        PUBLIC,
        "Faculty and staff need the VPN for a few office systems; students rarely do.",
        "vpn, remote access, off campus, globalprotect",
        """Most services (e-mail, Canvas, library databases) work from anywhere **without** the VPN.
Faculty and staff need it only for systems that are campus-only, such as departmental
file shares and the finance system.

1. Install the *GlobalProtect* client from **software.college.example**.
2. Portal address: `vpn.college.example`.
3. Sign in with your campus account and approve the multi-factor prompt.

If the client connects but a share will not open, disconnect and reconnect once;
if it still fails, contact the IT Help Desk with the exact error message.
""",
        author="it",
    ),
    Doc(
        "reset-your-campus-password",
        "Resetting your campus password",
        "accounts-passwords",
        PUBLIC,
        "Reset a forgotten password yourself in a few minutes, if you have set up a recovery method.",
        "password, reset, locked out, account",
        """Go to **password.college.example** and choose *Forgot my password*. You will get a
code by text or at your personal (non-campus) e-mail, whichever you registered.

A new password must be at least 14 characters. A short sentence you can remember
works well.

**After a reset**, update the saved password on your phone's e-mail and on eduroam,
or your devices may lock the account again.

No recovery method, or locked out? Bring a photo ID to the IT Help Desk or the
Research & IT Desk; we cannot reset passwords over the phone or by e-mail.
""",
        author="it",
    ),
    Doc(
        "set-up-mfa",
        "Setting up multi-factor authentication (MFA)",
        "accounts-passwords",
        PUBLIC,
        "Add a second sign-in step with the authenticator app, and a backup in case you lose your phone.",
        "mfa, multi-factor, two-factor, 2fa, authenticator",
        """Multi-factor authentication protects your account even if someone learns your
password. You will need it for e-mail, Canvas and the VPN.

1. Install the **Microsoft Authenticator** app on your phone.
2. On a computer, go to **mfa.college.example** and sign in.
3. Choose *Add sign-in method → Authenticator app* and scan the QR code with the app.
4. Add a **second method** too (a text message number or a hardware key) so a lost phone
   does not lock you out.

New phone? Add it at mfa.college.example *before* you wipe the old one. If it is too
late, visit the IT Help Desk with photo ID.
""",
        author="it",
    ),
    Doc(
        "find-a-peer-reviewed-article",
        "Finding a peer-reviewed article",
        "research-help",
        PUBLIC,
        "Use Library Search or a subject database and limit to peer-reviewed journals.",
        "peer review, scholarly articles, databases, research",
        """*Peer-reviewed* (or *refereed*) articles were checked by other experts before
publication. Many assignments ask for them.

1. Start in **Library Search** on the library home page. Type two or three key
   ideas, e.g. `sleep memory adolescents`.
2. On the results page, tick **Peer-reviewed journals** and, if you like, narrow the
   publication dates.
3. Open an article and look for *Full text* or *Get it*. If neither appears, request it
   through Interlibrary Loan – it is free.

For a more focused search, use your subject's database (PsycINFO, PubMed, JSTOR and
others under *Databases A–Z*). A librarian can show you in 15 minutes: ask at the desk
or book a consultation.
""",
    ),
    Doc(
        "cite-with-zotero",
        "Managing citations with Zotero",
        "research-help",
        PUBLIC,
        "Zotero collects your sources and writes your bibliography in APA, MLA, Chicago and more.",
        "zotero, citations, bibliography, apa, mla",
        """[Zotero](https://www.zotero.org) is free and works with Word and Google Docs.

1. Install Zotero and its browser connector.
2. On an article or catalogue page, click the connector button to save the source
   (with its PDF, when available).
3. In Word, use the Zotero tab: *Add/Edit Citation* while you write, then
   *Add/Edit Bibliography* at the end.
4. Change the style (APA 7, MLA 9, Chicago…) from *Document Preferences*.

Always check the result: saved records can have missing authors or odd capitalisation.
Research Data Services and the Writing Center both run short Zotero workshops.
""",
    ),
    Doc(
        "interlibrary-loan",
        "Borrowing from other libraries (Interlibrary Loan)",
        "library-spaces",
        PUBLIC,
        "Request books and articles we don't own, free of charge.",
        "interlibrary loan, ill, borrow, articles",
        """If the library does not have a book or article you need, Interlibrary Loan gets it
from another library at no cost to you.

- **Articles and chapters** arrive as PDFs by e-mail, usually within 1–3 days.
- **Books** take about a week; we e-mail you when they are ready at the Access Services
  desk. Loan periods are set by the lending library.

Request from the *Get it* link in Library Search, or fill in the form at
**library.college.example/ill** with as much of the citation as you have.
""",
    ),
    Doc(
        "book-a-study-room",
        "Booking a group study room",
        "library-spaces",
        PUBLIC,
        "Reserve one of twelve group rooms for up to three hours a day.",
        "study room, group study, booking, reservation",
        """The library has twelve group study rooms for 2–8 people, with screens you can
connect a laptop to.

1. Go to **rooms.college.example** and sign in.
2. Pick a date, a room size and a time slot (up to **3 hours per day** per person).
3. You will get a confirmation e-mail. Check in at the room's tablet within 15 minutes
   or the booking is released.

Rooms 204 and 305 are in labs and need a lab card. Need a room for a class or event?
Ask at the Research & IT Desk.
""",
    ),
    Doc(
        "lab-software-list",
        "Software in the computer labs",
        "software-labs",
        PUBLIC,
        "What is installed on the library and Technology Center lab computers.",
        "lab software, computer labs, spss, adobe, matlab",
        """All lab computers have Microsoft Office, web browsers, Zotero and a PDF reader.
Beyond that:

| Lab | Extra software |
| --- | --- |
| Learning Commons Lab (110) | SPSS, R and RStudio, ArcGIS Pro |
| Digital Media Lab (204) | Adobe Creative Cloud, Final Cut Pro, Audacity |
| Quiet Study Lab (305) | SPSS, MATLAB, Python (Anaconda) |

Need something else for a course? Instructors can request software for next term
through Academic Computing at least six weeks before classes start.
""",
        author="it",
    ),
    Doc(
        "accessibility-tools",
        "Accessibility tools on campus computers",
        "accessibility",
        PUBLIC,
        "Screen readers, text-to-speech, magnification and dictation available in the labs and library.",
        "accessibility, screen reader, text to speech, dictation, assistive technology",
        """Every lab computer includes:

- **Read&Write** – reads text aloud, highlights as it reads, and helps with spelling.
- The operating system's **magnifier** and **high-contrast** themes.
- **Dictation** (speech to text) in Word and Google Docs.

The accessible workstation in the Learning Commons (by the windows, height-adjustable
desk) adds the **JAWS** and **NVDA** screen readers and a large-print keyboard.

Need course texts in an accessible format? Accessibility Resources arranges them for
registered students.
""",
    ),
    Doc(
        "desk-locked-accounts",
        "Desk procedure: locked-out accounts and identity checks",
        "desk-procedures",
        STAFF,
        "What desk staff may and may not do when someone cannot sign in.",
        "accounts, locked out, identity, desk",
        """**Never reset a password for someone you have not identified.**

1. Ask for a photo ID (campus card or government ID) and compare the name with the
   account in the admin tool.
2. Check the lock reason: *too many attempts* usually means an old password saved on a
   phone or on eduroam – tell them to update it after the unlock.
3. Unlock, or issue a one-time password if they have no recovery method; ask them to
   set one up before they leave the desk.
4. Log the interaction as **Account/access**, READ 2–3.

Phone or chat requests: do not reset. Send them the self-service link, or to the IT
Help Desk in person. Suspected compromise (strange sent mail, MFA prompts they did
not start) → open a ticket to IT and refer them to the Information Security Office.
""",
        author="it",
    ),
    Doc(
        "desk-printer-jam-triage",
        "Desk procedure: printer jams and when to report an incident",
        "desk-procedures",
        STAFF,
        "Clear simple jams yourself; report the printer when the same fault comes back.",
        "printing, printer, jam, incident",
        """Student workers may clear paper jams in trays and the output area. Do **not** open
the fuser unit (it is hot) or the toner housing.

- Jam cleared, printer works: refund any lost pages and log it as *Equipment/printing*.
- Same jam twice in a shift, error codes, streaks or a jam you cannot reach: put the
  *Out of order* sign on the printer and report an incident from its QR code, so IT
  sees it in the queue.

Misprint refunds come from the print admin page; note the job name and the number of
pages.
""",
        author="it",
    ),
    Doc(
        "guest-wifi-for-events",
        "Guest Wi-Fi for conference visitors",
        "wifi-network",
        STAFF,
        "Draft: how event organisers get day codes for visitors.",
        "wi-fi, guest, events, conference",
        """*Draft – waiting for the new guest portal.*

Event organisers request day codes from Network Services at least five working days
ahead. Each code works for 24 hours on *College-Guest*.
""",
        published=False,
        author="it",
    ),
]


def seed_kb(log: Callable[[str], None]) -> dict[str, int]:
    categories = {}
    for slug, name, order in CATEGORIES:
        categories[slug], _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    authors = {u.username: u for u in User.objects.filter(username__in={d.author for d in ARTICLES})}
    existing = set(Article.objects.values_list("slug", flat=True))
    created = 0
    for doc in ARTICLES:
        if doc.slug in existing:
            continue
        article_create(
            actor=authors.get(doc.author),
            slug=doc.slug,
            title=doc.title,
            summary=doc.summary,
            body=doc.body,
            category=categories[doc.category],
            audience=doc.audience,
            tags=doc.tags,
            publish=doc.published,
        )
        created += 1
    log(f"knowledge base: {created} new articles")
    return {
        "kb articles": Article.objects.count(),
        "public FAQ articles": Article.objects.filter(
            status=Article.Status.PUBLISHED, audience=Article.Audience.PUBLIC
        ).count(),
    }
