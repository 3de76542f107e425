"""Personal data in exports: what `--contacts keep|drop|hash` does to the rows.

University news pages name staff with their e-mail address and phone number (the contact box),
and link to them (mailto:, tel:). A dataset shared beyond the archive should not carry those by
default, so exports pseudonymise them unless asked to keep them.

- keep: as archived.
- drop: the contacts list emptied; mailto: and tel: links removed.
- hash: name, email and phone of each contact, and the address of a mailto:/tel: link (and its
  text), replaced by `sha256:<first 16 hex digits>` of the value (trimmed, lower-cased), so one
  person keeps one pseudonym across rows and exports; unit and role kept. Pseudonymous, not
  anonymous: anyone who holds a staff directory can recompute the hashes.
"""

from __future__ import annotations

import hashlib
from typing import Any

CONTACT_POLICIES = ("keep", "drop", "hash")
DEFAULT_CONTACTS = "hash"
HASHED_CONTACT_KEYS = ("name", "email", "phone")
PERSONAL_LINK_SCHEMES = ("mailto:", "tel:")

# Fields that may hold personal data, and why: for the card's personal-data section.
PERSONAL_FIELDS: dict[str, str] = {
    "contacts": "names, e-mail addresses and phone numbers of staff named as contacts",
    "authors": "names of the people who wrote the article",
    "links": "mailto: and tel: links to people",
    "title": "names of people in the news",
    "lead": "names of people in the news, quotations",
    "body_text": "names, quotations, sometimes e-mail addresses and phone numbers in the text",
    "body_markdown": "the same as body_text",
    "images": "captions and credits naming people (photographers, people pictured)",
}

POLICY_TEXT = {
    "keep": "kept as archived (names, e-mail addresses and phone numbers in plain text)",
    "drop": "dropped: contacts lists are empty, mailto: and tel: links removed",
    "hash": (
        "pseudonymised: name, email and phone of each contact and the address of mailto:/tel: "
        "links replaced by sha256:<16 hex digits> of the trimmed, lower-cased value (the same "
        "person has the same pseudonym everywhere; unit and role kept). Pseudonymous, not "
        "anonymous: a staff directory lets anyone recompute them"
    ),
}


def pseudonym(value: Any) -> str | None:
    if value is None or value == "":
        return value
    digest = hashlib.sha256(str(value).strip().lower().encode("utf-8")).hexdigest()
    return "sha256:" + digest[:16]


def _personal_link(link: Any) -> bool:
    url = link.get("url") if isinstance(link, dict) else link
    return isinstance(url, str) and url.lower().startswith(PERSONAL_LINK_SCHEMES)


def apply_contacts(row: dict[str, Any], policy: str) -> None:
    """Apply a contacts policy to one export row in place (its contacts and links lists)."""
    if policy == "keep":
        return
    if policy == "drop":
        row["contacts"] = []
        row["links"] = [link for link in row["links"] if not _personal_link(link)]
        return
    row["contacts"] = [
        {k: pseudonym(v) if k in HASHED_CONTACT_KEYS else v for k, v in contact.items()}
        if isinstance(contact, dict)
        else pseudonym(contact)
        for contact in row["contacts"]
    ]
    row["links"] = [
        {**link, "url": pseudonym(link.get("url")), "text": pseudonym(link.get("text"))}
        if isinstance(link, dict) and _personal_link(link)
        else link
        for link in row["links"]
    ]
