from .views import ContactViews, DepartmentViews, MembershipViews, OfficeViews, RegionAliasViews, RegionViews

app_name = "orgs"
urlpatterns = [
    *RegionViews.urls(),
    *RegionAliasViews.urls(),
    *DepartmentViews.urls(),
    *OfficeViews.urls(),
    *ContactViews.urls(),
    *MembershipViews.urls(),
]
