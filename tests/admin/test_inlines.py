"""The rows of a household's page (members, trajectory, contact details) and a testimony's
event links are saved through their services (``services.households``, ``services.displacements``,
``services.testimonies``): the admin itself saves none of them."""

import pytest
from django.urls import reverse

from displacement.admin import households as household_admin
from displacement.admin import testimonies as testimony_admin
from displacement.models import ContactDetails, Displacement, Household, Person, Testimony, TestimonyEvent
from tests.factories import EventFactory, HouseholdFactory, TestimonyFactory, place

pytestmark = pytest.mark.django_db


def _url(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def _spy(monkeypatch, module, names) -> list[str]:
    calls = []
    for name in names:
        original = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda _name=name, _original=original, **kw: calls.append(_name) or _original(**kw)
        )
    return calls


def _inline(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
    return data


def test_a_household_pages_rows_go_through_the_services(client, coordinator, ngo, monkeypatch):
    household = HouseholdFactory(organization=ngo)
    calls = _spy(
        monkeypatch,
        household_admin,
        ["member_add", "member_update", "member_remove", "displacement_record", "contact_details_save"],
    )
    client.force_login(coordinator)
    origin = place("UA1416021")
    data = {
        "legal_hold": "",
        "notes": "",
        **_inline("members", [{"relationship": "head", "age_band": "5-11", "sex": "female"}]),
        **_inline(
            "displacements",
            [{"left_on": "2025-04-20", "left_on_precision": "day", "origin": origin.pk, "shelter_type": "unknown"}],
        ),
        **_inline("contact_details", [{"full_name": "Olena"}]),
    }
    response = client.post(_url(Household, household.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert sorted(calls) == ["contact_details_save", "displacement_record", "member_add"]
    member = Person.objects.get(household=household)
    assert Displacement.objects.get(household=household).organization == ngo
    assert ContactDetails.objects.get(household=household).full_name == "Olena"
    # A changed row and a deleted one: their services too.
    calls.clear()
    row = {"id": member.pk, "relationship": "head", "age_band": "5-11", "sex": "male"}
    data = {
        "legal_hold": "",
        "notes": "",
        **_inline("members", [row], initial=1),
        **_inline("displacements", []),
        **_inline("contact_details", []),
    }
    assert client.post(_url(Household, household.pk), data).status_code == 302
    assert calls == ["member_update"]
    calls.clear()
    data.update({"members-0-DELETE": "on"})
    assert client.post(_url(Household, household.pk), data).status_code == 302
    assert calls == ["member_remove"] and not Person.objects.exists()


def test_a_testimonys_event_links_go_through_the_services(client, coordinator, ngo, monkeypatch):
    testimony = TestimonyFactory(organization=ngo, interviewer=coordinator)
    event = EventFactory(organization=ngo)
    calls = _spy(monkeypatch, testimony_admin, ["testimony_event_link"])
    client.force_login(coordinator)
    page = client.get(_url(Testimony, testimony.pk))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data = {name: (value.pk if hasattr(value, "pk") else value) for name, value in data.items()}
    data.update(_inline("event_links", [{"event": event.pk, "relation": "witnessed"}]))
    data.update(_inline("consents", []))
    response = client.post(_url(Testimony, testimony.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert calls == ["testimony_event_link"]
    assert TestimonyEvent.objects.get(testimony=testimony).event == event


def test_the_people_and_contact_details_pages_save_through_the_services(client, coordinator, ngo, monkeypatch):
    household, other = HouseholdFactory(organization=ngo), HouseholdFactory(organization=ngo)
    calls = _spy(
        monkeypatch,
        household_admin,
        ["member_add", "member_update", "member_remove", "contact_details_save", "contact_details_remove"],
    )
    client.force_login(coordinator)
    add = reverse("admin:displacement_person_add")
    response = client.post(add, {"household": household.pk, "relationship": "child", "age_band": "5-11", "sex": "male"})
    assert response.status_code == 302, response.content[:2000]
    person = Person.objects.get(household=household)
    changed = {"household": other.pk, "relationship": "child", "age_band": "12-17", "sex": "male"}
    assert client.post(_url(Person, person.pk), changed).status_code == 302
    person.refresh_from_db()
    assert (person.age_band, person.household_id) == ("12-17", household.pk)  # a person moves only by a merge
    delete = reverse("admin:displacement_person_delete", args=[person.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    add = reverse("admin:displacement_contactdetails_add")
    assert (
        client.post(add, {"household": household.pk, "full_name": "Olena", "phone": "+380501234567"}).status_code == 302
    )
    details = ContactDetails.objects.get(household=household)
    assert client.post(_url(ContactDetails, details.pk), {"full_name": "Olena K.", "phone": ""}).status_code == 302
    details.refresh_from_db()
    assert (details.full_name, details.phone) == ("Olena K.", "")
    delete = reverse("admin:displacement_contactdetails_delete", args=[details.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ContactDetails.objects.filter(pk=details.pk).exists()
    assert calls == ["member_add", "member_update", "member_remove", "contact_details_save", "contact_details_save",
                     "contact_details_remove"]  # fmt: skip


def test_a_caseworker_registers_a_household_with_its_contact_details(client, caseworker, ngo):
    from django.urls import reverse

    from displacement.models import ContactDetails

    client.force_login(caseworker)
    data = {
        "legal_hold": "",
        "notes": "",
        **_inline("members", [{"relationship": "head", "age_band": "18-59", "sex": "female"}]),
        **_inline("displacements", []),
        **_inline("contact_details", [{"full_name": "Olena Kovalenko", "phone": "+380 50 777 12 34"}]),
    }
    response = client.post(reverse("admin:displacement_household_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    household = Household.objects.get(registered_by=caseworker)
    assert ContactDetails.objects.get(household=household).full_name == "Olena Kovalenko"
    # Registered, not read back: the caseworker's page of it shows no contact details.
    page = client.get(_url(Household, household.pk)).content.decode()
    assert "Olena Kovalenko" not in page and "777 12 34" not in page



def test_the_add_form_shows_no_code_before_saving(client, coordinator):
    from django.urls import reverse

    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_household_add")).content.decode()
    assert "given when saved" in page
    assert "HH-" not in page and "P-" not in page.replace("P-CODE", "")
