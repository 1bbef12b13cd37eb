from antoan.portal import triage_views, views

urlpatterns = [*views.urlpatterns, *triage_views.urlpatterns]
