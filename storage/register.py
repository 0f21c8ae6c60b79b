"""Applying the appointment register's checked rows (parsing.register) to the stored appointments.

An appointment is one person, organ, role and start date; a newer register sets its end instead of
adding it again, an empty `til` never reopens one, and applying the same register twice changes
nothing. A row that cannot say which stored person it means makes the whole import fail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.names import name_key
from parsing.errors import RegisterInvalid, RowProblem
from parsing.model import RegisterRow
from storage.models import Appointment, Organization, Person


@dataclass
class ImportResult:
    """What one import did to the appointments."""

    new: int = 0
    ended: int = 0  # had no end and got one
    changed: int = 0  # another end date or appointing body than before
    unchanged: int = 0
    new_people: int = 0
    new_organizations: int = 0


def people_named(session: Session, name: str) -> list[Person]:
    """The stored people whose name is `name` but for case and spacing, oldest first."""
    key = name_key(name)
    return [p for p in session.scalars(select(Person).order_by(Person.id)) if name_key(p.name) == key]


@dataclass
class _Known:
    """The people, organs and appointments already stored, indexed by their matching keys."""

    people: dict[tuple[str, str], Person] = field(default_factory=dict)
    people_by_name: dict[str, list[Person]] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    appointments: dict[tuple[int, int, str, dt.date], Appointment] = field(default_factory=dict)

    def add_person(self, person: Person) -> None:
        self.people[name_key(person.name), name_key(person.municipality)] = person
        self.people_by_name.setdefault(name_key(person.name), []).append(person)


def _known(session: Session) -> _Known:
    known = _Known()
    for person in session.scalars(select(Person).order_by(Person.id)):
        known.add_person(person)
    for organization in session.scalars(select(Organization).order_by(Organization.id)):
        known.organizations.setdefault(name_key(organization.name), organization)
    for appointment in session.scalars(select(Appointment).order_by(Appointment.id)):
        if appointment.start_date is not None:
            key = (
                appointment.person_id,
                appointment.organization_id,
                appointment.role,
                appointment.start_date,
            )
            known.appointments.setdefault(key, appointment)
    return known


def _person_for(session: Session, known: _Known, row: RegisterRow, result: ImportResult) -> Person | str:
    """The stored person the row names, a new one, or why the row cannot say which one."""
    same_name = known.people_by_name.get(name_key(row.name), [])
    if not row.municipality and len(same_name) > 1:
        towns = ", ".join(sorted(p.municipality or "uden kommune" for p in same_name))
        return f"flere personer hedder {row.name} ({towns}): angiv kommunen"
    person = known.people.get(row.person_key)
    if person is None:
        without_town = [p for p in same_name if not p.municipality]
        if not row.municipality and len(same_name) == 1:
            person = same_name[0]
        elif row.municipality and len(without_town) == 1:
            person = without_town[0]  # known from a document, now with a municipality
            person.municipality = row.municipality
            known.people[row.person_key] = person
    if person is None:
        person = Person(name=row.name, municipality=row.municipality, party=row.party)
        session.add(person)
        session.flush()
        known.add_person(person)
        result.new_people += 1
    elif row.party and person.party != row.party:
        person.party = row.party
    return person


def _organization_for(
    session: Session, known: _Known, row: RegisterRow, result: ImportResult
) -> Organization:
    organization = known.organizations.get(name_key(row.organization))
    if organization is None:
        organization = Organization(name=row.organization)
        session.add(organization)
        session.flush()
        known.organizations[name_key(row.organization)] = organization
        result.new_organizations += 1
    return organization


def apply_register(
    session: Session, rows: Sequence[RegisterRow], *, source: str, unit: str = "linje"
) -> ImportResult:
    """Add, end or leave each row's appointment, without committing; RegisterInvalid if a row is ambiguous."""
    known = _known(session)
    result = ImportResult()
    problems: list[RowProblem] = []
    for row in rows:
        person = _person_for(session, known, row, result)
        if isinstance(person, str):
            problems.append(RowProblem(row.line, person, unit))
            continue
        organization = _organization_for(session, known, row, result)
        key = (person.id, organization.id, row.role, row.start)
        appointment = known.appointments.get(key)
        if appointment is None:
            appointment = Appointment(
                person=person,
                organization=organization,
                role=row.role,
                start_date=row.start,
                end_date=row.end,
                appointed_by=row.appointed_by,
                source=source,
            )
            session.add(appointment)
            known.appointments[key] = appointment
            result.new += 1
            continue
        # An empty `til` never reopens an ended appointment: an older register imported late changes nothing.
        end = row.end or appointment.end_date
        ended = appointment.end_date is None and end is not None
        differs = appointment.end_date != end or (
            row.appointed_by is not None and appointment.appointed_by != row.appointed_by
        )
        appointment.end_date = end
        appointment.appointed_by = row.appointed_by or appointment.appointed_by
        if ended:
            result.ended += 1
        elif differs:
            result.changed += 1
        else:
            result.unchanged += 1
    if problems:
        raise RegisterInvalid(problems)
    return result
