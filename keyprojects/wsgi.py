import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")
application = get_wsgi_application()

# Every view imported, then what start-up loaded moved out of the garbage collector's sight: a
# full collection walked all of it (some 120,000 objects, 60–75 ms) inside whichever request
# triggered it, one request in twenty on a list page (bench/RESULTS.md).
import_module(settings.ROOT_URLCONF)
gc.collect()
gc.freeze()
