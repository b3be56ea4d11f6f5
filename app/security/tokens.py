"""Professionals' bearer tokens: HS256 JWTs with an expiry and a revocable id."""

from __future__ import annotations

import secrets
import time

import jwt
import msgspec

ISSUER = "firstline"


class TokenClaims(msgspec.Struct):
    sub: str
    jti: str
    exp: int
    iat: int


class TokenError(Exception):
    pass


def issue(secret: str, professional_id: str, ttl_seconds: int) -> tuple[str, TokenClaims]:
    now = int(time.time())
    claims = TokenClaims(sub=professional_id, jti=secrets.token_hex(16), iat=now, exp=now + ttl_seconds)
    token = jwt.encode({**msgspec.to_builtins(claims), "iss": ISSUER}, secret, algorithm="HS256")
    return token, claims


def decode(secret: str, token: str) -> TokenClaims:
    try:
        data = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub", "jti"]})
    except jwt.ExpiredSignatureError:
        raise TokenError("token has expired; log in again") from None
    except jwt.PyJWTError:
        raise TokenError("token is not valid") from None
    return msgspec.convert({k: data[k] for k in ("sub", "jti", "exp", "iat") if k in data}, TokenClaims)
