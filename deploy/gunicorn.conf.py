"""gunicorn for KeyProjects behind nginx (deploy/nginx/keyprojects.conf): `gunicorn -c
deploy/gunicorn.conf.py keyprojects.wsgi`. Every value can be overridden by the environment
file (deploy/keyprojects.env) through GUNICORN_* variables."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")  # nginx forwards here; never exposed directly
# Two processes per core (requests wait on PostgreSQL more than they compute), at least two.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # exports and imports run as background jobs
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))  # recycle slowly growing workers
max_requests_jitter = 200
preload_app = True  # keyprojects/wsgi.py loads every view once and freezes it out of the collector
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# Only nginx on this machine may say who the client is (TRUSTED_PROXY_COUNT=1 in the env file).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
