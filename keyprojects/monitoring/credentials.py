"""Camera credentials, encrypted at rest (Fernet: AES-128-CBC with an HMAC).

The key is `CAMERA_CREDENTIAL_KEY` from the environment (a Fernet key), or one derived from
SECRET_KEY: a database dump alone does not give away the cameras' passwords. The plain text
is only ever decrypted to open a stream; no page, API answer or change-log row shows it.
"""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = os.environ.get("CAMERA_CREDENTIAL_KEY") or getattr(settings, "CAMERA_CREDENTIAL_KEY", "")
    if not key:
        digest = hashlib.sha256(b"keyprojects.monitoring:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest)
    return Fernet(key)


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:  # the key changed: the camera asks for its password again
        return ""
