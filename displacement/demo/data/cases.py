"""Demo cases: casework opened for hand-written households, with notes and referrals."""

from datetime import date

from displacement.models.vocab import (
    CaseStatus,
    Need,
    Priority,
    ReferralStatus,
)

# --- Cases -------------------------------------------------------------------------------
# "path" is walked through case_change_status from "new", so it must follow CASE_TRANSITIONS.

CASES = [
    {
        "household": "HH-DEMO0001",
        "opened_on": date(2025, 5, 3),
        "priority": Priority.HIGH,
        "needs": [Need.SHELTER, Need.CASH, Need.EDUCATION, Need.MENTAL_HEALTH],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN],
        "notes": [
            "Intake at the Dnipro transit centre. Mother and two children, second displacement "
            "in three months. Needs a place beyond the two-week transit limit, a school place "
            "for the older child and support for the younger one.",
            "Психолог мобільної команди погодив першу зустріч на наступному тижні. Старшу "
            "дитину зараховано до школи в Дніпрі (навчання змішане).",
            "Case plan agreed: collective centre place through ESA, multipurpose cash for three "
            "months, follow-up call every two weeks.",
        ],
        "referrals": [
            {
                "service": Need.SHELTER,
                "referred_to": "Eastern Shelter Alliance",
                "referred_on": date(2025, 5, 5),
                "status": ReferralStatus.ACCEPTED,
            },
            {
                "service": Need.MENTAL_HEALTH,
                "referred_to": "Mobile psychosocial support team",
                "referred_on": date(2025, 5, 6),
                "status": ReferralStatus.PENDING,
            },
            {
                "service": Need.EDUCATION,
                "referred_to": "Municipal education department, Dnipro",
                "referred_on": date(2025, 5, 6),
                "status": ReferralStatus.COMPLETED,
                "outcome": "School place confirmed for the autumn term.",
            },
        ],
    },
    {
        "household": "HH-DEMO0002",
        "opened_on": date(2025, 4, 25),
        "priority": Priority.HIGH,
        "needs": [Need.HEALTH, Need.SHELTER, Need.EDUCATION],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN, CaseStatus.REFERRED],
        "notes": [
            "Бабуся — опікунка онука. Потребує постійних ліків від тиску, запас на тиждень.",
            "Referred for a GP appointment and a guardianship certificate; the grandson needs "
            "the certificate to enrol in school.",
        ],
        "referrals": [
            {
                "service": Need.HEALTH,
                "referred_to": "Primary health care centre, Dnipro",
                "referred_on": date(2025, 4, 28),
                "status": ReferralStatus.ACCEPTED,
            },
            {
                "service": Need.LEGAL,
                "referred_to": "Free legal aid centre",
                "referred_on": date(2025, 4, 28),
                "status": ReferralStatus.PENDING,
            },
        ],
    },
    {
        "household": "HH-DEMO0003",
        "opened_on": date(2025, 4, 18),
        "priority": Priority.MEDIUM,
        "needs": [Need.CASH, Need.HEALTH],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.REFERRED, CaseStatus.CLOSED],
        "closure_reason": "Needs met: cash assistance paid, husband registered with a cardiologist.",
        "notes": ["Couple renting a room in Poltava; rent covered by their son until June."],
        "referrals": [
            {
                "service": Need.CASH,
                "referred_to": "Multipurpose cash programme",
                "referred_on": date(2025, 4, 22),
                "status": ReferralStatus.COMPLETED,
                "outcome": "Three monthly payments made.",
            },
        ],
    },
    {
        "household": "HH-DEMO0004",
        "opened_on": date(2025, 4, 8),
        "priority": Priority.MEDIUM,
        "needs": [Need.SHELTER, Need.LIVELIHOOD, Need.NON_FOOD_ITEMS],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.REFERRED],
        "notes": ["Родина у колективному центрі у Львові, шукають житло та роботу для батька."],
        "referrals": [
            {
                "service": Need.LIVELIHOOD,
                "referred_to": "Regional employment centre",
                "referred_on": date(2025, 4, 15),
                "status": ReferralStatus.ACCEPTED,
            },
        ],
    },
    {
        "household": "HH-DEMO0005",
        "opened_on": date(2025, 4, 2),
        "priority": Priority.HIGH,
        "needs": [Need.HEALTH, Need.CASH],
        "path": [CaseStatus.ASSESSMENT],
        "notes": ["Assessment visit planned; the wife is expecting in the summer."],
    },
    {
        "household": "HH-DEMO0006",
        "opened_on": date(2025, 6, 23),
        "priority": Priority.MEDIUM,
        "needs": [Need.EDUCATION, Need.CASH],
        "path": [],
        "notes": ["Registered by phone after arrival in Kyiv; assessment to be scheduled."],
    },
    {
        "household": "HH-DEMO0007",
        "opened_on": date(2025, 9, 22),
        "priority": Priority.MEDIUM,
        "needs": [Need.MENTAL_HEALTH, Need.SHELTER],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CLOSED, CaseStatus.REOPENED],
        "closure_reason": "Family could not be reached for a month.",
        "notes": [
            "Closed after repeated unanswered calls.",
            "Mother called back: phone was lost on the move. Case reopened.",
        ],
    },
    {
        "household": "HH-DEMO0008",
        "opened_on": date(2025, 5, 9),
        "priority": Priority.HIGH,
        "needs": [Need.NON_FOOD_ITEMS, Need.CASH, Need.PROTECTION],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN],
        "notes": ["Mother with two small children in a collective centre in Sumy; father remained in the village."],
    },
    {
        "household": "HH-DEMO0009",
        "opened_on": date(2025, 4, 30),
        "priority": Priority.LOW,
        "needs": [Need.HEALTH],
        "path": [CaseStatus.CLOSED],
        "closure_reason": "Duplicate registration: household already followed by another organisation in Odesa.",
        "notes": ["Checked with the Odesa protection cluster: already assisted."],
    },
    {
        "household": "HH-DEMO0010",
        "opened_on": date(2025, 5, 8),
        "priority": Priority.CRITICAL,
        "needs": [Need.DOCUMENTATION, Need.SHELTER, Need.CASH],
        "path": [],
        "notes": ["Потрібне відновлення паспорта; без нього не може отримати пенсію."],
    },
    {
        "household": "HH-DEMO0011",
        "opened_on": date(2025, 4, 14),
        "priority": Priority.MEDIUM,
        "needs": [Need.HEALTH, Need.CASH],
        "path": [CaseStatus.ASSESSMENT],
    },
    {
        "household": "HH-DEMO0101",
        "opened_on": date(2025, 5, 1),
        "priority": Priority.MEDIUM,
        "needs": [Need.SHELTER, Need.NON_FOOD_ITEMS],
        "path": [CaseStatus.ASSESSMENT],
        "notes": ["Place in a collective centre; winter clothes requested."],
        "assigned_to": None,
    },
]
