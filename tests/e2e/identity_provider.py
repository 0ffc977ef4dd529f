"""A local OpenID Connect provider for the sign-in journeys: oidc-provider-mock on 127.0.0.1.

`python -m tests.e2e.identity_provider PORT` serves the package's provider (discovery, authorize
form, token, userinfo, end-session) with one change: its pages come without the stylesheet the
package loads from a CDN (provider_templates/_base.html shadows its base page), so a signing-in
browser never asks another host for anything. Any client id and secret is accepted; a person's
claims (email, email_verified, name) are set with `PUT /users/<sub>` before they sign in, and at
the provider's form they type their subject.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import flask
import jinja2
import oidc_provider_mock
import werkzeug.serving
from oidc_provider_mock import init_app

TEMPLATES = Path(__file__).resolve().parent / "provider_templates"
PACKAGE_TEMPLATES = Path(oidc_provider_mock.__file__).resolve().parent / "templates"


def make_app() -> flask.Flask:
    """The provider as a Flask app; its templates from here first, then the package's."""
    app = flask.Flask(__name__)
    app.jinja_loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(TEMPLATES), jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]
    )
    init_app(app)
    app.secret_key = secrets.token_bytes(16)
    return app


def main(argv: list[str]) -> int:
    """Serve the provider on 127.0.0.1:PORT until stopped."""
    (port,) = argv
    # Plain http on loopback: the package's own command sets the same.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    werkzeug.serving.run_simple("127.0.0.1", int(port), make_app(), threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
