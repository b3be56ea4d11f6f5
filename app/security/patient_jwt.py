"""Patients' identity tokens from the region's identity provider (OIDC-style JWT, SPEC §11)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jwt

from app.settings import Settings

ALGORITHMS = ["RS256", "ES256"]
# Issuer and audience are always checked: without them a token the identity provider made for
# another service would open this one. `firstline serve` refuses a key without them.
PORTAL_DISABLED = "patient login is not configured on this hub (public key, issuer and audience)"


class PatientTokenError(Exception):
    pass


@lru_cache(maxsize=4)
def _key(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def patient_id(settings: Settings, token: str) -> str:
    """The patient id (`sub`) of a valid token; signature, expiry, issuer and audience checked."""
    if not settings.portal_enabled or settings.patient_jwt_public_key is None:
        raise PatientTokenError(PORTAL_DISABLED)
    try:
        claims = jwt.decode(
            token,
            _key(settings.patient_jwt_public_key),
            algorithms=ALGORITHMS,
            issuer=settings.patient_jwt_issuer,
            audience=settings.patient_jwt_audience,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise PatientTokenError("patient token has expired") from None
    except (jwt.PyJWTError, OSError):
        raise PatientTokenError("patient token is not valid") from None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 64:
        raise PatientTokenError("patient token has no usable subject")
    return sub
