"""Demo directory for a small college: about forty offices, services and people the joint
desk sends people to. Used by liaison/demo/seed.py; idempotent (looked up by slug)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from django.utils import timezone

from liaison.accounts.models import Department, User
from liaison.directory.models import DirectoryEntry
from liaison.directory.services import entry_create
from liaison.places.models import Building

WEB = "https://www.college.example"


class Spec(NamedTuple):
    slug: str
    name: str
    kind: str
    department: str  # code of the Liaison department that keeps the entry
    owner: str  # demo user name
    handles: str
    description: str
    location: str
    hours: str
    email: str
    phone: str
    path: str  # under WEB
    review_in_days: int  # negative: already past its review date (flagged)
    building: str = ""
    retired: bool = False


OFF, SVC, PER = DirectoryEntry.Kind.OFFICE, DirectoryEntry.Kind.SERVICE, DirectoryEntry.Kind.PERSON
WEEKDAYS = "Mon–Fri 8:30 am–4:30 pm"

ENTRIES = [
    Spec("registrar", "Registrar", OFF, "library", "supervisor",
         "transcripts, enrollment verification, registration holds, add/drop deadlines, grades, change of name, "
         "diploma, graduation application, FERPA, academic calendar",
         "Official academic records. Transcripts are ordered online; walk-ins can pick up enrollment letters.",
         "Student Services Center, Room 210", WEEKDAYS, "registrar@college.example", "(555) 201-4100",
         "/registrar", 210),
    Spec("financial-aid", "Financial Aid Office", OFF, "library", "supervisor",
         "FAFSA, scholarships, student loans, work-study, aid package, verification documents, "
         "satisfactory academic progress, emergency grants",
         "Help with paying for college: applications, awards and appeals.",
         "Student Services Center, Room 130", WEEKDAYS, "finaid@college.example", "(555) 201-4150",
         "/financial-aid", 160),
    Spec("bursar", "Bursar / Student Accounts", OFF, "library", "supervisor",
         "tuition bill, payment plan, refunds, 1098-T tax form, account holds, late fees, direct deposit refunds",
         "Student account balances and payments. Questions about aid amounts go to Financial Aid.",
         "Student Services Center, Room 120", WEEKDAYS, "bursar@college.example", "(555) 201-4170",
         "/bursar", 95),
    Spec("writing-center", "Writing Center", SVC, "writing", "rbailey",
         "essay feedback, thesis statement, drafts, grammar, personal statement, cover letter, "
         "lab reports, citation style questions, writing tutors",
         "Peer and faculty tutors read drafts at any stage. Book 30 or 50 minute sessions online or walk in.",
         "Halvorsen Library, 2nd floor, Room 215", "Mon–Thu 10 am–8 pm, Fri 10 am–3 pm, Sun 2–8 pm",
         "writing@college.example", "(555) 201-4300", "/writing-center", 120, building="lib"),
    Spec("disability-services", "Accessibility Resources (Disability Services)", OFF, "library", "supervisor",
         "accommodations, testing accommodations, note-taking, accessible formats, alternative text, "
         "assistive technology, ADA, temporary injury",
         "Registers students with disabilities and arranges accommodations. Accessible copies of course texts.",
         "Student Services Center, Room 105", WEEKDAYS, "access@college.example", "(555) 201-4190",
         "/accessibility", 240),
    Spec("counseling", "Counseling Center", OFF, "library", "supervisor",
         "counseling, mental health, stress, anxiety, crisis support, grief, same-day appointment, "
         "after-hours crisis line",
         "Free, confidential counseling for students. In a crisis after hours call the crisis line or Campus Safety.",
         "Wellness Center, 2nd floor", "Mon–Fri 9 am–5 pm; crisis line 24/7", "counseling@college.example",
         "(555) 201-4400", "/counseling", 300),
    Spec("campus-card", "Campus Card Office", OFF, "library", "library",
         "ID card, lost ID card, replacement card, building card access, door access, dining dollars, "
         "photo for ID, print credit refunds",
         "Issues and replaces the campus ID card, which also opens doors and pays for printing.",
         "Campus Center, lower level", "Mon–Fri 9 am–4 pm", "campuscard@college.example", "(555) 201-4600",
         "/campus-card", -21),
    Spec("it-help-desk", "IT Help Desk", SVC, "it", "itmanager",
         "password reset, account lockout, multi-factor authentication, MFA, Wi-Fi, eduroam, e-mail, "
         "laptop repair, virus, malware, software installation, new device setup",
         "First stop for any technology problem. Walk in, call, or open a ticket online.",
         "Technology Center, Room G10", "Mon–Fri 8 am–5 pm", "helpdesk@college.example", "(555) 201-4357",
         "/it/help", 150, building="tech"),
    Spec("network-services", "Network Services", OFF, "it", "it",
         "wired network port activation, network outage, slow network, firewall request, DNS, "
         "eduroam infrastructure, wireless dead spots, VPN server",
         "Runs the campus network. Report outages through the IT Help Desk; staff may e-mail directly for "
         "port activation.",
         "Technology Center, Room 110", WEEKDAYS, "network@college.example", "(555) 201-4380",
         "/it/network", -12, building="tech"),
    Spec("classroom-technology", "Classroom Technology & AV Support", SVC, "it", "dkowalski",
         "projector, classroom microphone, lecture capture, HDMI adapter, Zoom room, document camera, "
         "AV equipment loan, event AV",
         "Fixes classroom technology on the spot. During class time call the hotline for someone in minutes.",
         "Technology Center, Room 115", "Mon–Fri 7:30 am–9 pm", "av@college.example", "(555) 201-4390",
         "/it/classroom-technology", 75, building="tech"),
    Spec("academic-computing", "Academic Computing & Labs", SVC, "it", "mosei",
         "lab software, computer lab reservations, software for a course, lab computer problems, "
         "virtual lab, software request for next term",
         "Manages the public and teaching labs, their software images and course software requests.",
         "Technology Center, Room 120", WEEKDAYS, "labs@college.example", "(555) 201-4385",
         "/it/labs", 45, building="tech"),
    Spec("it-accounts", "IT Accounts & Identity", SVC, "it", "mosei",
         "new accounts, guest accounts, name change in e-mail, account deactivation, alumni e-mail, "
         "shared mailbox, department e-mail list",
         "Creates and changes campus accounts. Password resets are done at the IT Help Desk.",
         "Technology Center, Room G10", WEEKDAYS, "accounts@college.example", "(555) 201-4357",
         "/it/accounts", 200, building="tech"),
    Spec("information-security", "Information Security Office", OFF, "it", "itmanager",
         "phishing report, compromised account, suspicious e-mail, data security, lost device with data, "
         "security awareness training",
         "Forward suspicious e-mail to phish@college.example. Report a lost laptop with college data at once.",
         "Technology Center, Room 205", WEEKDAYS, "security@college.example", "(555) 201-4366",
         "/it/security", 180, building="tech"),
    Spec("software-licensing", "Software Licensing", SVC, "it", "dkowalski",
         "Microsoft Office, Adobe Creative Cloud, SPSS license, MATLAB, software purchase request, "
         "home use software",
         "Which software the college licenses and how students and staff get it.",
         "Technology Center, Room 120", WEEKDAYS, "software@college.example", "", "/it/software", 130,
         building="tech"),
    Spec("telecommunications", "Telecommunications", OFF, "it", "it",
         "office phones, voicemail, phone moves, conference phones, fax lines",
         "Desk phones and voicemail for staff and faculty.",
         "Technology Center, Room 112", WEEKDAYS, "telecom@college.example", "(555) 201-4370",
         "/it/phones", -118, building="tech"),
    Spec("interlibrary-loan", "Interlibrary Loan", SVC, "library", "jchen",
         "interlibrary loan, ILL, borrow books we don't own, article requests, document delivery, "
         "ILLiad account, scan chapter",
         "Gets books and articles from other libraries, usually articles in 1–3 days and books in a week.",
         "Halvorsen Library, Access Services desk", "Mon–Fri 9 am–5 pm", "ill@college.example",
         "(555) 201-4520", "/library/ill", 110, building="lib"),
    Spec("archives", "Archives & Special Collections", OFF, "library", "rbailey",
         "college history, rare books, manuscripts, archival research, yearbooks, old photographs, "
         "donating papers, primary sources on campus",
         "Appointments recommended. Materials are used in the reading room only.",
         "Halvorsen Library, 3rd floor, Room 330", "Tue–Thu 10 am–4 pm and by appointment",
         "archives@college.example", "(555) 201-4540", "/library/archives", 260, building="lib"),
    Spec("jia-chen", "Jia Chen — Science Librarian", PER, "library", "jchen",
         "biology, chemistry, physics, nursing, PubMed, Web of Science, literature review, systematic review, "
         "lab report sources",
         "Research consultations for the sciences and health professions. Book a 30-minute appointment.",
         "Halvorsen Library, Room 208", "By appointment", "jchen@college.example", "(555) 201-4512",
         "/library/librarians/jchen", 190, building="lib"),
    Spec("rosa-bailey", "Rosa Bailey — Humanities & Social Sciences Librarian", PER, "library", "rbailey",
         "history, English literature, sociology, political science, primary sources, JSTOR, "
         "research consultation, thesis research, oral history",
         "Helps with research papers and theses across the humanities and social sciences.",
         "Halvorsen Library, Room 209", "By appointment", "rbailey@college.example", "(555) 201-4513",
         "/library/librarians/rbailey", 60, building="lib"),
    Spec("lena-marsh", "Lena Marsh — Business & Economics Librarian", PER, "library", "library",
         "company information, market research, industry reports, financial data, economics data, "
         "business databases, case competitions",
         "Business research and data for economics courses.",
         "Halvorsen Library, Room 210", "By appointment", "lmarsh@college.example", "(555) 201-4514",
         "/library/librarians/lmarsh", 25, building="lib"),
    Spec("research-data-services", "Research Data Services", SVC, "library", "library",
         "data management plan, data repository, statistics consultation, R, Python, SPSS, Stata, "
         "GIS, maps, finding datasets, data visualization",
         "Consultations on finding, analysing, mapping and sharing research data.",
         "Halvorsen Library, Room 220", "Mon–Fri 10 am–4 pm and by appointment", "data@college.example",
         "(555) 201-4530", "/library/data", 140, building="lib"),
    Spec("copyright", "Copyright & Scholarly Communication", OFF, "library", "supervisor",
         "copyright, fair use, permissions, open access, author rights, publishing agreements, "
         "copyright for course materials, Creative Commons",
         "Advice on using and sharing copyrighted work and on publishing open access. Not legal advice.",
         "Halvorsen Library, Room 240", WEEKDAYS, "copyright@college.example", "(555) 201-4545",
         "/library/copyright", 280, building="lib"),
    Spec("course-reserves", "Course Reserves", SVC, "library", "library",
         "course reserves, textbooks on reserve, e-reserves, reserve readings, put a book on reserve",
         "Short-loan copies of course books and scanned readings for classes.",
         "Halvorsen Library, Access Services desk", "Whenever the library is open", "reserves@college.example",
         "(555) 201-4500", "/library/reserves", -33, building="lib"),
    Spec("access-services", "Library Access Services (Circulation)", SVC, "library", "jchen",
         "borrowing, renewals, library fines, holds, library account, lost library book, "
         "study room booking, laptop loans, chargers",
         "The library's lending desk: books, laptops, chargers, study rooms.",
         "Halvorsen Library, 1st floor", "Whenever the library is open", "circ@college.example",
         "(555) 201-4500", "/library/borrow", 85, building="lib"),
    Spec("makerspace", "Makerspace", SVC, "library", "rbailey",
         "3D printing, laser cutter, vinyl cutter, sewing machine, electronics, Arduino, soldering, "
         "makerspace training",
         "Open to all students after a short safety orientation. 3D prints are charged by weight.",
         "Halvorsen Library, lower level, Room 010", "Mon–Thu noon–8 pm, Fri noon–5 pm",
         "makerspace@college.example", "(555) 201-4560", "/library/makerspace", 100, building="lib"),
    Spec("digital-media-lab", "Digital Media Lab", SVC, "it", "dkowalski",
         "video editing, podcast recording, green screen, Adobe Premiere, audio booth, camera loan",
         "Editing stations and a recording booth; book the booth up to a week ahead.",
         "Halvorsen Library, Room 204", "Mon–Fri 9 am–9 pm", "medialab@college.example", "(555) 201-4565",
         "/it/media-lab", 55, building="lib"),
    Spec("print-services", "Print Services (Print Shop)", SVC, "it", "it",
         "poster printing, large format printing, bulk copying, binding, thesis printing, business cards",
         "Large and bulk jobs. Everyday printing is done on the library and lab printers.",
         "Campus Center, Room 015", "Mon–Fri 8 am–4 pm", "printshop@college.example", "(555) 201-4620",
         "/print-shop", 170),
    Spec("career-center", "Career Center", OFF, "library", "supervisor",
         "resume review, internships, interview practice, job fairs, Handshake, graduate school applications, "
         "career advising",
         "Career advising for students and recent graduates.",
         "Campus Center, 2nd floor", WEEKDAYS, "careers@college.example", "(555) 201-4700", "/careers", 220),
    Spec("tutoring", "Tutoring Center", SVC, "library", "rbailey",
         "math tutoring, science tutoring, statistics help, study skills, peer tutoring, "
         "supplemental instruction, exam review sessions",
         "Free drop-in and appointment tutoring for most first- and second-year courses.",
         "Halvorsen Library, 2nd floor, Room 218", "Sun–Thu 2 pm–9 pm", "tutoring@college.example",
         "(555) 201-4320", "/tutoring", 15, building="lib"),
    Spec("title-ix", "Title IX Office", OFF, "library", "supervisor",
         "sexual harassment, sexual misconduct, discrimination report, Title IX coordinator, "
         "pregnancy accommodations, confidential options",
         "Reports can be made online, in person or anonymously. Counseling is a confidential alternative.",
         "Administration Building, Room 302", WEEKDAYS, "titleix@college.example", "(555) 201-4800",
         "/title-ix", 230),
    Spec("campus-safety", "Campus Safety", OFF, "library", "supervisor",
         "emergency, lost and found, safety escort, building unlock, incident report, suspicious person, "
         "car jump start, emergency alerts",
         "Open 24/7. For an emergency on campus call the emergency number from any campus phone.",
         "Campus Center, ground floor", "24 hours, every day", "safety@college.example", "(555) 201-4911",
         "/safety", 90),
    Spec("parking", "Parking & Transportation", OFF, "library", "supervisor",
         "parking permit, parking ticket appeal, visitor parking, campus shuttle, bike registration, "
         "accessible parking",
         "Permits are bought online; appeals must be filed within 14 days of the ticket.",
         "Campus Center, ground floor", WEEKDAYS, "parking@college.example", "(555) 201-4650", "/parking", -47),
    Spec("bookstore", "Campus Bookstore", OFF, "library", "supervisor",
         "textbooks, course materials, textbook rental, graduation cap and gown, college clothing, "
         "calculators",
         "Course books, rentals and supplies. Check course reserves before buying.",
         "Campus Center, 1st floor", "Mon–Fri 9 am–6 pm, Sat 10 am–2 pm", "bookstore@college.example",
         "(555) 201-4660", "/bookstore", -6),
    Spec("dean-of-students", "Dean of Students", OFF, "library", "supervisor",
         "student conduct, absence notification, emergency absence, withdrawal, student concerns, "
         "basic needs, food pantry, student advocacy",
         "Helps students through crises and notifies faculty of extended absences.",
         "Administration Building, Room 210", WEEKDAYS, "deanofstudents@college.example", "(555) 201-4850",
         "/dean-of-students", 250),
    Spec("international-students", "International Student Office", OFF, "library", "supervisor",
         "visa, I-20, OPT, CPT, travel signature, immigration status, international student orientation, "
         "SEVIS",
         "Immigration advising and support for international students and scholars.",
         "Student Services Center, Room 150", WEEKDAYS, "international@college.example", "(555) 201-4870",
         "/international", 175),
    Spec("center-for-teaching", "Center for Teaching & Learning", OFF, "library", "supervisor",
         "course design, teaching workshops, classroom observation, syllabus, active learning, "
         "teaching with AI, new faculty orientation",
         "Supports faculty in planning and improving their teaching.",
         "Halvorsen Library, 3rd floor, Room 310", WEEKDAYS, "ctl@college.example", "(555) 201-4880",
         "/teaching", 145, building="lib"),
    Spec("instructional-design", "Instructional Design & LMS Support (Canvas)", SVC, "it", "itmanager",
         "Canvas, course shell, gradebook, quizzes, course copy, LMS, online course design, "
         "Canvas student view, turnitin",
         "Helps faculty build and run Canvas courses; students with Canvas problems start at the IT Help Desk.",
         "Technology Center, Room 210", WEEKDAYS, "lms@college.example", "(555) 201-4395", "/it/canvas", 65,
         building="tech"),
    Spec("academic-advising", "Academic Advising", OFF, "library", "supervisor",
         "choosing a major, degree audit, advisor assignment, course planning, academic probation, "
         "change of major",
         "Advisors for undeclared students and help with degree planning.",
         "Student Services Center, Room 220", WEEKDAYS, "advising@college.example", "(555) 201-4120",
         "/advising", 205),
    Spec("health-services", "Student Health Services", OFF, "library", "supervisor",
         "medical appointment, immunization records, flu shots, illness, prescriptions, health insurance",
         "Walk-in and scheduled care for students.",
         "Wellness Center, 1st floor", "Mon–Fri 8:30 am–5 pm", "health@college.example", "(555) 201-4450",
         "/health", 155),
    Spec("student-employment", "Student Employment & Payroll", OFF, "it", "itmanager",
         "timesheets, student jobs, paycheck, direct deposit, I-9, tax forms W-2, work-study hours",
         "For student workers: hiring paperwork, timesheets and pay.",
         "Administration Building, Room 120", WEEKDAYS, "studentjobs@college.example", "(555) 201-4890",
         "/student-employment", 35),
    Spec("facilities", "Facilities Work Orders", SVC, "library", "library",
         "broken furniture, heating, air conditioning, leak, restroom problem, lights out, cleaning request, "
         "room too cold",
         "Report building problems; urgent ones (leaks, no heat) by phone.",
         "Facilities Building", "Mon–Fri 7 am–4 pm; urgent line 24/7", "workorders@college.example",
         "(555) 201-4900", "/facilities", 115),
    Spec("faculty-computing", "Faculty Computing Office", OFF, "it", "it",
         "faculty laptops, faculty software, office computer setup",
         "Merged into the IT Help Desk; kept so older referrals still count.",
         "Technology Center, Room 118", "", "facultycomputing@college.example", "", "/it/faculty", 30,
         building="tech", retired=True),
]  # fmt: skip


def seed_directory(log: Callable[[str], None]) -> dict[str, int]:
    departments = {d.code: d for d in Department.objects.all()}
    users = {u.username: u for u in User.objects.filter(username__in={s.owner for s in ENTRIES} | {"admin"})}
    buildings = {b.code: b for b in Building.objects.all()}
    existing = set(DirectoryEntry.objects.values_list("slug", flat=True))
    actor = users["admin"]  # seed_foundation made the administrator; the services need a real actor
    today = timezone.localdate()
    created = 0
    for spec in ENTRIES:
        if spec.slug in existing or spec.department not in departments:
            continue
        entry = entry_create(
            actor=actor,
            slug=spec.slug,
            name=spec.name,
            kind=spec.kind,
            handles=spec.handles,
            description=spec.description,
            location=spec.location,
            building=buildings.get(spec.building),
            hours=spec.hours,
            email=spec.email,
            phone=spec.phone,
            url=WEB + spec.path,
            department=departments[spec.department],
            owner=users.get(spec.owner),
        )
        # Demo history: when each entry was last checked, and some already past due.
        review_by = today + dt.timedelta(days=spec.review_in_days)
        DirectoryEntry.objects.filter(pk=entry.pk).update(
            review_by=review_by,
            last_reviewed_at=timezone.now() - dt.timedelta(days=365 - spec.review_in_days),
            is_active=not spec.retired,
        )
        created += 1
    log(f"directory: {created} new entries")
    return {
        "directory entries": DirectoryEntry.objects.count(),
        "directory entries overdue": DirectoryEntry.objects.filter(is_active=True, review_by__lt=today).count(),
    }
