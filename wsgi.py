"""The one WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

from intranet import create_app

app = create_app()
