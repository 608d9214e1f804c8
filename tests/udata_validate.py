"""Validate dataservice bodies with data.gouv.fr's own model: udata's `patch` (what its API runs on a POST)
then `validate()`, on an in-memory database. Runs in a venv that has udata; prints a JSON report."""

import json
import sys

import mongoengine
import mongomock
from flask import Flask
from flask_babel import Babel

mongoengine.connect("validation", mongo_client_class=mongomock.MongoClient)
app = Flask("udata")
app.config.from_object("udata.settings.Defaults")
Babel(app)  # udata's messages are translated strings

with app.app_context():
    from udata.api_fields import patch
    from udata.core.dataservices.models import Dataservice

    with open(sys.argv[1], encoding="utf-8") as file:
        bodies = json.load(file)
    refused = []
    for body in bodies:
        try:
            patch(Dataservice(), body).validate()
        except Exception as exc:
            refused.append(f"{body.get('title')}: {type(exc).__name__}: {exc}")
    print(json.dumps({"checked": len(bodies), "refused": refused}, ensure_ascii=False))
