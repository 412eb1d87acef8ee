from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    *views.CameraViews.urls(),
    *views.SnapshotViews.urls(),
    *views.InspectionViews.urls(),
    *views.StoppageDayViews.urls(),
    path("snapshots/<int:pk>/image.jpg", views.snapshot_image, name="snapshot_image"),
    path("snapshots/<int:pk>/thumbnail.jpg", views.snapshot_thumbnail, name="snapshot_thumbnail"),
    path("cameras/<int:pk>/timelapse.mp4", views.camera_timelapse, name="camera_timelapse"),
    path("dispatch/", views.dispatch_list, name="dispatch"),
    path("dispatch/record/", views.record_finding, name="record_finding"),
    path("figures/", views.figures_page, name="figures"),
]
