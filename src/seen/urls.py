from django.contrib import admin
from django.urls import path

from seen.api.main import api
from seen.web import views

urlpatterns = [
    path("", views.loaded, name="loaded"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
