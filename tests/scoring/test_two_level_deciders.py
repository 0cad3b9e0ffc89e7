"""P2 under the two-level local government, on the demo organisation as the application keeps
it: the person the evaluation page names as deciding (`scoring.procedure.competent_decider`)
holds the post the rulebook names (`criteria.deciding_authority`): a commune's chairman, a
department's director, or the province's chairman; nobody answers to a district."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from criteria import OrgUnit, UnitType, deciding_authority
from criteria.procedure import OUTSIDE_THE_PROVINCE
from evaluation.demo.loader import _load_people, _load_units, read_seed
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.scoring.procedure import competent_decider


def chain_of(unit: Unit) -> list[OrgUnit]:
    units = []
    while unit is not None:
        units.append(OrgUnit(UnitType(unit.kind.name.lower()), unit.name))
        unit = unit.parent
    return units


def test_the_decider_holds_the_post_the_rulebook_names(session) -> None:
    org = read_seed("organisation.json")
    counts: Counter[str] = Counter()
    _load_people(session, org, _load_units(session, org, counts), counts)
    session.flush()
    posts: Counter[str] = Counter()
    for person in session.scalars(sa.select(Person)):
        heads = person.leadership_role is LeadershipRole.HEAD
        authority = deciding_authority(chain_of(person.unit), heads_unit=heads)
        decider = competent_decider(session, person)
        if authority.title == OUTSIDE_THE_PROVINCE:
            assert decider is None, person.full_name
            continue
        assert decider is not None, person.full_name
        assert decider.id != person.id
        assert decider.unit.name.lower() in authority.title.lower(), (person.full_name, authority)
        assert decider.leadership_role is LeadershipRole.HEAD
        post = authority.title.split(" UBND")[0].split(" Sở")[0]
        if not post.startswith("Người đứng đầu"):  # a named post: chairman or director
            assert decider.job_position.startswith(post), (decider.job_position, authority.title)
        posts[post] += 1
    assert posts["Chủ tịch"] > 0 and posts["Giám đốc"] > 0
    assert not any("huyện" in title.lower() for title in posts)
