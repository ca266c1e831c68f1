"""What leaves an organisation: records a partner may receive, and who counts in aggregates.

A record reaches a partner only if (1) an active SharingAgreement from its owner covers
its kind, and (2) for records about people, the person's consent to sharing with
partners is active, given in a testimony that is not restricted: a restricted testimony
leaves nothing, and its consent shares nothing (not its household, displacements or cases).
Aggregates given outside the organisation count only people whose consent to statistics is
active. Withdrawing a consent therefore takes effect on the
next read, everywhere: the only copy is ``Testimony.sharing_consent``, which the database
itself updates in the withdrawal's transaction.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from displacement import models as m
from displacement.models.sharing import RecordKind
from displacement.models.vocab import ConsentPurpose, Sensitivity


def active_agreements(*, partner, kind: str | None, on: datetime.date | None = None) -> QuerySet[m.SharingAgreement]:
    """The agreements in force ``on`` (default today) giving ``partner`` (an organisation, or an
    expression for its id) ``kind`` of record (None: any kind)."""
    on = on or timezone.localdate()
    agreements = m.SharingAgreement.objects.filter(partner=partner, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    return agreements if kind is None else agreements.filter(record_kinds__contains=[kind])


def _owners(partner: m.Organization, kind: str, on: datetime.date | None = None) -> QuerySet:
    return active_agreements(partner=partner, kind=kind, on=on).values("owner_id")


def readable_owners(path: str, *, partner: m.Organization, kind: str, on: datetime.date | None = None) -> Q:
    """Records of ``kind`` whose owner (at ``path``) lets ``partner`` read them: the partner
    itself, and the owners whose agreements in force ``on`` cover the kind. For events, which
    the agreement alone shares, the whole rule (``partner_readable``)."""
    return Q(**{path: partner.pk}) | Q(**{f"{path}__in": _owners(partner, kind, on)})


def event_shared(path: str, *, partner: m.Organization, on: datetime.date | None = None) -> Q:
    """**The** rule of which events a partner may see, also where another record links to one
    (a testimony's events, a displacement's cause): its own, and those whose owner's agreements
    in force ``on`` share events. ``path`` leads to the event's owner (``organization`` on an
    event, ``event_owner`` on a testimony's link, ``cause__organization`` on a displacement).
    Used by the projections, the flat export, the filters through events and the reports."""
    return readable_owners(path, partner=partner, kind=RecordKind.EVENTS, on=on)


def narrative_shared() -> Q:
    """**The** rule of when a partner may read a testimony's narrative: the testimony is public
    and its consent to sharing is active. Used by the projections, the flat export and the bench."""
    return Q(sensitivity=Sensitivity.PUBLIC) & active_consent(ConsentPurpose.SHARING)


def active_consent(purpose: str) -> Q | Exists:
    """A testimony's consent for ``purpose`` is active. For sharing with partners, which every
    partner read tests row by row, the column the database keeps from the consents
    (``Testimony.sharing_consent``); for other purposes an EXISTS over the consents."""
    if purpose == ConsentPurpose.SHARING:
        return Q(sharing_consent=True)
    return Exists(m.Consent.objects.filter(testimony_id=OuterRef("pk"), purpose=purpose, withdrawn_at__isnull=True))


def sharing_testimony() -> Q:
    """A testimony that may leave for partners (an agreement aside), and through which its
    household may: an active consent to sharing, and not restricted. A restricted testimony's
    consent shares nothing: sharing its household, displacements and cases through it would
    tell partners that the household has a testimony too sensitive to give them."""
    return Q(sharing_consent=True) & ~Q(sensitivity=Sensitivity.RESTRICTED)


def consenting(purpose: str) -> Q | Exists:
    """The testimonies whose consent for ``purpose`` lets their household count: for sharing,
    ``sharing_testimony``; for statistics, any active consent (a suppressed count holds no
    record, and a restricted account is about what was said, not that the household exists)."""
    return sharing_testimony() if purpose == ConsentPurpose.SHARING else active_consent(purpose)


def consenting_household_ids(purpose: str) -> QuerySet:
    """Households with at least one testimony whose consent for ``purpose`` counts (``consenting``)."""
    return m.Testimony.objects.filter(household__isnull=False).filter(consenting(purpose)).values("household_id")


class Probed(Exists):
    """An EXISTS that PostgreSQL runs row by row, never as one hashed set. Under an OR (a
    partner's gate: its own records, or shared ones) the planner turns a plain EXISTS into a
    hashed ``= ANY`` when it expects many rows, and then reads every matching row of the
    subquery on each query: a partner's page of 50 households hashed all 34,500 sharing
    testimonies (8 ms of a 10 ms page at 30,000 households, ten times that at full size). An
    OFFSET keeps the subquery as it is written (PostgreSQL does not simplify an EXISTS with one)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def consenting_household(purpose: str, household_path: str = "pk") -> Exists:
    """An EXISTS: the household at ``household_path`` has a testimony whose consent for
    ``purpose`` counts. Correlated and ``Probed``, so PostgreSQL probes one index per row (for
    sharing, the partial index of sharing testimonies) instead of materialising every
    consenting household (which, past work_mem, it re-runs per row)."""
    return Probed(m.Testimony.objects.filter(household_id=OuterRef(household_path)).filter(consenting(purpose)))


def shareable(kind: str) -> QuerySet:
    """Every record of ``kind`` that an agreement covering its kind would give a partner: the
    rule of what may leave, without the agreement. Events are about incidents, not people: the
    agreement alone decides. Restricted testimonies never leave, whatever the consent; records
    about a household leave only while one of its testimonies may (``sharing_testimony``)."""
    if kind == RecordKind.EVENTS:
        return m.Event.objects.all()
    if kind == RecordKind.TESTIMONIES:
        return m.Testimony.objects.exclude(sensitivity=Sensitivity.RESTRICTED).filter(
            active_consent(ConsentPurpose.SHARING)
        )
    if kind == RecordKind.HOUSEHOLDS:
        return m.Household.objects.filter(consenting_household(ConsentPurpose.SHARING))
    return MODEL_OF_KIND[kind].objects.filter(consenting_household(ConsentPurpose.SHARING, "household_id"))


def _shared(kind: str, partner: m.Organization, on: datetime.date | None) -> QuerySet:
    return shareable(kind).filter(organization__in=_owners(partner, kind, on))


def shared_events(*, partner: m.Organization, on: datetime.date | None = None) -> QuerySet[m.Event]:
    return _shared(RecordKind.EVENTS, partner, on)


def shared_testimonies(*, partner: m.Organization, on: datetime.date | None = None) -> QuerySet[m.Testimony]:
    return _shared(RecordKind.TESTIMONIES, partner, on)


def shared_households(*, partner: m.Organization, on: datetime.date | None = None) -> QuerySet[m.Household]:
    return _shared(RecordKind.HOUSEHOLDS, partner, on)


def shared_displacements(*, partner: m.Organization, on: datetime.date | None = None) -> QuerySet[m.Displacement]:
    return _shared(RecordKind.DISPLACEMENTS, partner, on)


def shared_cases(*, partner: m.Organization, on: datetime.date | None = None) -> QuerySet[m.Case]:
    return _shared(RecordKind.CASES, partner, on)


SHARED = {
    RecordKind.EVENTS: shared_events,
    RecordKind.TESTIMONIES: shared_testimonies,
    RecordKind.HOUSEHOLDS: shared_households,
    RecordKind.DISPLACEMENTS: shared_displacements,
    RecordKind.CASES: shared_cases,
}


def countable_displacements(*, organization: m.Organization, outside: bool) -> QuerySet[m.Displacement]:
    """Displacements of ``organization`` to count in an aggregate.

    Inside the organisation everything counts; outside it only households whose consent
    to statistics is active.
    """
    qs = m.Displacement.objects.filter(organization=organization)
    if outside:
        qs = qs.filter(household__in=consenting_household_ids(ConsentPurpose.STATISTICS))
    return qs


MODEL_OF_KIND = {
    RecordKind.EVENTS: m.Event,
    RecordKind.TESTIMONIES: m.Testimony,
    RecordKind.HOUSEHOLDS: m.Household,
    RecordKind.DISPLACEMENTS: m.Displacement,
    RecordKind.CASES: m.Case,
}


#: Queries built once and cloned for each request (``built``), by key, for one day.
_built: dict[tuple, QuerySet] = {}
_built_on: list[datetime.date | None] = [None]
#: At most this many are kept (a partner's page query takes about 17 KB).
BUILT_LIMIT = 2_000


def built(key: tuple, build) -> QuerySet:
    """A clone of the query ``build()`` gives, built once per ``key`` and day (a performance
    mechanism, owned here: without it partner pages took 1.1 to 1.97 times as long on the shared
    machine, bench/results/2026-12-07-mechanisms.md). Only for queries
    that hold no rows (what they read is read afresh each time they run) and that depend on
    nothing but the key and the date, which the caller passes to the build (an agreement is in
    force on a date): yesterday's queries are dropped."""
    today = timezone.localdate()
    if _built_on[0] != today or len(_built) >= BUILT_LIMIT:
        _built.clear()
        _built_on[0] = today
    query = _built.get(key)
    if query is None:
        query = _built[key] = build()
    return query.all()


def partner_readable(kind: str, *, partner: m.Organization, on: datetime.date | None = None) -> QuerySet:
    """What a partner organisation's machines read: its own records and what others share,
    under the agreements in force ``on`` (default today).

    The query is built once a day per partner and kind, and cloned for each request (building
    it cost a partner's page a few milliseconds). It holds no rows: agreements and consents are
    subqueries, read afresh each time it runs, so a withdrawal still counts at the next read.
    """
    on = on or timezone.localdate()
    return built(
        ("readable", kind, partner.pk, on),
        lambda: MODEL_OF_KIND[kind].objects.filter(organization=partner.pk) | SHARED[kind](partner=partner, on=on),
    )


def partner_tombstones(*, partner: m.Organization) -> QuerySet[m.Tombstone]:
    """Deletions a partner must apply: its own records'; those meant for it alone (an agreement
    ended or narrowed); and, for each agreement it has, the owner's deletions of the kinds it
    covers of records partners could have received (``Tombstone.shared``: never a restricted
    testimony, nor a household no testimony shared), recorded while it was in force (and a
    week after its end, to let a mirror catch up)."""
    grace = datetime.timedelta(days=7)
    condition = Q(organization=partner, partner__isnull=True) | Q(partner=partner)
    for agreement in m.SharingAgreement.objects.filter(partner=partner):
        window = Q(created_at__date__gte=agreement.valid_from)
        if agreement.valid_until:
            window &= Q(created_at__date__lte=agreement.valid_until + grace)
        condition |= (
            Q(
                organization_id=agreement.owner_id,
                partner__isnull=True,
                shared=True,
                record_kind__in=agreement.record_kinds,
            )
            & window
        )
    return m.Tombstone.objects.filter(condition)
