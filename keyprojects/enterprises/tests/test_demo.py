import pytest

from keyprojects.enterprises.demo import COUNT, seed_enterprises
from keyprojects.enterprises.models import Enterprise
from keyprojects.orgs.demo import seed_orgs
from keyprojects.orgs.models import User


@pytest.mark.django_db
def test_demo_enterprises_are_valid_spread_and_idempotent():
    seed_orgs()
    seed_enterprises()
    enterprises = list(Enterprise.objects.select_related("region"))
    assert len(enterprises) == COUNT
    for enterprise in enterprises:
        enterprise.full_clean()  # valid credit codes and industry codes, no duplicates
    assert len({e.region_id for e in enterprises}) >= 6
    known = {"漯河双汇实业集团有限责任公司", "漯河市卫龙商贸有限公司", "河南三剑客农业股份有限公司"}
    assert known <= {e.name for e in enterprises}
    user = User.objects.get(username="enterprise")
    assert user.enterprises.count() == 1
    codes = {e.credit_code: e.name for e in enterprises}
    seed_enterprises()
    assert Enterprise.objects.count() == COUNT
    assert dict(Enterprise.objects.values_list("credit_code", "name")) == codes
    assert user.enterprises.count() == 1
