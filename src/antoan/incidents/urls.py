from antoan.incidents.transfer_views import transfer_urlpatterns

urlpatterns = [*transfer_urlpatterns]
