"""The one WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`.

A server's worker does, as it starts and before it takes a request, what each page's first
view in it would otherwise wait for: every template compiled, and Markdown's extensions
looked up among the installed packages and loaded (30 ms). A command (`flask --app wsgi
intranet ...`) serves no page and skips it.
"""

import os

from intranet import create_app
from intranet.platform.markdown import render_markdown
from intranet.web import compile_templates

app = create_app()
if not os.environ.get("FLASK_RUN_FROM_CLI"):
    compile_templates(app)
    render_markdown("Warm *up*")
