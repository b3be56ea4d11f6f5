"""Patients' identity tokens from the region's identity provider (OIDC-style JWT, SPEC §11)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jwt

from app.settings import Settings

ALGORITHMS = ["RS256", "ES256"]


class PatientTokenError(Exception):
    pass


@lru_cache(maxsize=4)
def _key(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def patient_id(settings: Settings, token: str) -> str:
    """The patient id (`sub`) of a valid token; signature, expiry, issuer and audience checked."""
    if not settings.patient_jwt_public_key:
        raise PatientTokenError("patient login is not configured on this hub")
    try:
        claims = jwt.decode(
            token,
            _key(settings.patient_jwt_public_key),
            algorithms=ALGORITHMS,
            issuer=settings.patient_jwt_issuer,
            audience=settings.patient_jwt_audience,
            options={
                "require": ["exp", "sub"],
                "verify_iss": settings.patient_jwt_issuer is not None,
                "verify_aud": settings.patient_jwt_audience is not None,
            },
        )
    except jwt.ExpiredSignatureError:
        raise PatientTokenError("patient token has expired") from None
    except (jwt.PyJWTError, OSError):
        raise PatientTokenError("patient token is not valid") from None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 64:
        raise PatientTokenError("patient token has no usable subject")
    return sub
