from keyprojects.core.imports import Column, Importer

from .forms import ContactForm
from .models import Contact
from .regions import region_finder


class ContactImporter(Importer):
    model = Contact
    form = ContactForm
    columns = (
        Column("name", ("姓名", "联系人", "name")),
        Column("post", ("职务", "职务/岗位", "post")),
        Column("phone", ("联系电话", "电话", "手机", "phone")),
        Column("email", ("电子邮箱", "邮箱", "email")),
        Column("region", ("所属区域", "县区", "区域", "region"), lookup="name", finder=region_finder()),
        Column("department", ("所属部门", "部门", "单位", "department"), lookup="name"),
    )
    match_on = (("name", "phone"),)
