"""The demo attraction data: 42 六职 cadres, about 130 leads of about 1,400 亿元 in every state,
a food chain with gaps, visits never before their lead, hand-overs into the demo's signed
projects, and a second run writes nothing."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum

from keyprojects.projects.choices import SIGNED_OR_LATER

from .. import demo
from ..choices import SIX_POSTS, LeadStatus
from ..models import Cadre, ChainLink, FundsInPlace, Lead, Visit


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_forty_two_six_post_cadres_and_about_130_leads_of_1400_yi(seeded):
    assert Cadre.objects.filter(post__in=SIX_POSTS).count() == 42
    assert Lead.objects.count() == 130
    total = Lead.objects.aggregate(total=Sum("investment"))["total"]
    assert 1_350_0000 <= total <= 1_450_0000  # 万元
    statuses = Counter(Lead.objects.values_list("status", flat=True))
    assert set(statuses) == set(LeadStatus)


@pytest.mark.django_db
def test_the_food_chain_has_gaps_with_leads_on_them(seeded):
    gaps = ChainLink.objects.filter(chain__name="食品").exclude(gap="")
    assert {link.name for link in gaps} >= {"冷链物流", "食品装备", "预制菜"}
    assert Lead.objects.filter(link__in=gaps).exists()


@pytest.mark.django_db
def test_visits_follow_their_lead_and_hand_overs_are_signed_projects(seeded):
    assert Visit.objects.count() > 200 and not Visit.objects.filter(date__lt=F("lead__found_on")).exists()
    handed = Lead.objects.filter(status=LeadStatus.HANDED_OVER).select_related("project")
    assert handed.count() == demo.HANDED_OVER
    assert all(lead.project.stage in SIGNED_OR_LATER and lead.agreement for lead in handed)
    for lead in handed:
        funds = FundsInPlace.objects.filter(project=lead.project).aggregate(total=Sum("amount"))["total"] or 0
        assert funds <= lead.contracted_investment


@pytest.mark.django_db
def test_a_second_run_writes_nothing(seeded):
    assert demo.seed_attraction() == {}
