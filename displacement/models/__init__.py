"""Domain models, one module per concept; this package only re-exports them."""

from .audit import AccessAction, AccessLog
from .cases import Case, CaseNote, CaseSequence, Referral
from .corroboration import EventCorroboration
from .displacements import Displacement
from .duplicates import DuplicateStatus, HouseholdDuplicateCandidate
from .event_duplicates import EventAlias, EventDuplicateCandidate
from .events import Event
from .households import ContactDetails, Household, Person
from .import_profiles import ImportProfile, ProfileSource
from .imports import ImportKind, ImportReportRow, ImportRun, ImportStatus, ReportLevel
from .organizations import Membership, Organization, User
from .places import AdminLevel, Place
from .pulls import PullConnection, PullKind
from .reports import ReportDefinition, ReportKind, ReportPeriod, ReportRun, ReportRunRecord, RunStatus, WithdrawalReason
from .sharing import RecordKind, SharedDatePrecision, SharingAgreement, SharingPurpose, Tombstone, TombstoneReason
from .sources import Attachment, Source
from .submissions import FormSubmission, SubmissionPlatform
from .summaries import CaseSummary, FlowSummary, WeeklySummary
from .testimonies import Consent, Testimony, TestimonyEvent

__all__ = [
    "AccessAction",
    "AccessLog",
    "AdminLevel",
    "Attachment",
    "Case",
    "CaseNote",
    "CaseSequence",
    "CaseSummary",
    "Consent",
    "ContactDetails",
    "Displacement",
    "DuplicateStatus",
    "Event",
    "EventAlias",
    "EventCorroboration",
    "EventDuplicateCandidate",
    "FlowSummary",
    "FormSubmission",
    "Household",
    "HouseholdDuplicateCandidate",
    "ImportKind",
    "ImportProfile",
    "ImportReportRow",
    "ImportRun",
    "ImportStatus",
    "Membership",
    "Organization",
    "Person",
    "Place",
    "ProfileSource",
    "PullConnection",
    "PullKind",
    "RecordKind",
    "Referral",
    "ReportDefinition",
    "ReportKind",
    "ReportLevel",
    "ReportPeriod",
    "ReportRun",
    "ReportRunRecord",
    "RunStatus",
    "SharedDatePrecision",
    "SharingAgreement",
    "SharingPurpose",
    "Source",
    "SubmissionPlatform",
    "Testimony",
    "TestimonyEvent",
    "Tombstone",
    "TombstoneReason",
    "User",
    "WeeklySummary",
    "WithdrawalReason",
]
