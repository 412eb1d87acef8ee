from .views import ContactViews, DepartmentViews, MembershipViews, OfficeViews, RegionViews

app_name = "orgs"
urlpatterns = [
    *RegionViews.urls(),
    *DepartmentViews.urls(),
    *OfficeViews.urls(),
    *ContactViews.urls(),
    *MembershipViews.urls(),
]
