"""A real API server on loopback for schemathesis: migrates a fresh SQLite file, seeds an admin
with an all-scopes token, a list and a campaign, prints the token as one JSON line, then serves.

Run as `python live_api_server.py DB_PATH PORT` (the schemathesis test starts and stops it).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import uvicorn

from dialer.accounts.tokens import ALL_SCOPES, issue_token
from dialer.accounts.users import Actor, create_user
from dialer.config import Settings
from dialer.db import close_db, init_db, migrate
from dialer.models import Campaign, Contact, ContactList
from dialer.models.enums import Role
from dialer.web.app import create_app


async def seed(url: str) -> str:
    await migrate(url)
    await init_db(url)
    try:
        admin = await create_user("admin", "test-password-1", Role.ADMIN, actor=Actor.system("test"))
        cl = await ContactList.create(name="Spring")
        await Contact.create(contact_list=cl, phone="+420602123400", external_id="X0")
        campaign = await Campaign.create(name="Spring offer")
        await campaign.contact_lists.add(cl)
        return (await issue_token(admin, sorted(ALL_SCOPES))).secret
    finally:
        await close_db()


def main() -> None:
    db_path, port = Path(sys.argv[1]), int(sys.argv[2])
    url = f"sqlite://{db_path.as_posix()}"
    token = asyncio.run(seed(url))
    print(json.dumps({"token": token}), flush=True)
    app = create_app(Settings(data_dir=db_path.parent, db_url=url, secret_key="test-secret"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")


if __name__ == "__main__":
    main()
