from keyprojects.core.imports import Column, Importer
from keyprojects.orgs.regions import region_finder

from .forms import EnterpriseForm
from .models import Enterprise
from .validators import normalise_credit_code


class EnterpriseImporter(Importer):
    model = Enterprise
    form = EnterpriseForm
    columns = (
        Column("name", ("企业名称", "企业名", "单位名称", "公司名称", "名称", "name")),
        Column(
            "credit_code",
            ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "credit_code"),
            parse=normalise_credit_code,  # so that a lower-case code still matches the stored one
        ),
        Column(
            "region",
            ("所属县区", "所属县(区)", "县区", "所属区域", "区域", "region"),
            lookup="name",
            finder=region_finder(),
        ),
        Column("legal_representative", ("法定代表人", "法人代表", "法人", "legal_representative")),
        Column("contact_name", ("联系人", "企业联系人", "contact_name")),
        Column("contact_phone", ("联系电话", "电话", "手机", "联系方式", "contact_phone")),
        Column("industry", ("行业代码", "国民经济行业代码", "行业分类代码", "industry")),
    )
    match_on = (("credit_code",), ("name", "region"))  # a row without a code: the one of that name
