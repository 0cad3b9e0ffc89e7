"""A real OpenID Connect provider for the sign-on tests, built on Authlib's server side.

Discovery, JWKS, an authorization endpoint that approves whoever the test says is signed in
there, and a token endpoint that issues RS256 ID tokens, with PKCE (S256) required. It runs
on 127.0.0.1 in a thread of the test process, on a port of its own.

`mode` lets a test turn the provider dishonest: sign with a key it does not publish, alter the
payload after signing, name another audience or issuer, or echo a wrong nonce.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

KEY_ID = "danhgia-test-key"
HONEST = "honest"
FOREIGN_KEY = "foreign_key"  # signed by a key the JWKS does not hold (under the same kid)
ALTERED_PAYLOAD = "altered_payload"  # the payload changed after signing
OTHER_AUDIENCE = "other_audience"
OTHER_ISSUER = "other_issuer"
WRONG_NONCE = "wrong_nonce"


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    user: dict[str, Any]
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        payload = request.payload.data
        self.server.provider.codes[code] = Code(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=payload.get("redirect_uri", ""),
            scope=request.payload.scope,
            nonce=payload.get("nonce"),
            user=dict(request.user),
            code_challenge=payload.get("code_challenge"),
            code_challenge_method=payload.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.server.provider.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
        return authorization_code.user


class S256Required(CodeChallenge):
    """PKCE for every client, confidential ones too, and S256 only (RFC 9700 asks as much)."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        payload = grant.request.payload.data
        if not payload.get("code_challenge") or payload.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required")
        super().validate_code_challenge(grant, redirect_uri)


class IdTokens(OpenIDCode):
    """ID tokens signed with the provider's key (or, when dishonest, another)."""

    def __init__(self, provider: OidcProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        mode = self.provider.mode
        return self.provider.rogue_key if mode == FOREIGN_KEY else self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, Any]:
        return {"alg": "RS256", "kid": KEY_ID}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        mode = self.provider.mode
        issuer = "http://127.0.0.1:1/other" if mode == OTHER_ISSUER else self.provider.issuer
        audience = "another-client" if mode == OTHER_AUDIENCE else client.client_id
        return {"iss": issuer, "aud": [audience], "exp": int(time.time()) + 300}

    def get_authorization_code_claims(self, authorization_code: Code) -> dict[str, Any]:
        claims = super().get_authorization_code_claims(authorization_code)
        if self.provider.mode == WRONG_NONCE:
            claims["nonce"] = "not-the-nonce-that-was-sent"
        return claims

    def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
        info = UserInfo(sub=user["sub"])
        if "email" in scope:
            info.update({k: user[k] for k in ("email", "email_verified") if k in user})
        if "profile" in scope and "preferred_username" in user:
            info["preferred_username"] = user["preferred_username"]
        return info


def _alter_payload(id_token: str, claims: dict[str, Any]) -> str:
    """The same header and signature around another payload: what an attacker in the middle
    would send to sign in as someone else."""
    header, payload, signature = id_token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


class OidcProvider:
    """The provider: `start()` serves it, `stop()` ends it; `user` is who is signed in there."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: list[str]) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID}, private=True)
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID}, private=True)
        self.client = Client(client_id, client_secret, redirect_uris)
        self.codes: dict[str, Code] = {}
        self.user: dict[str, Any] = {"sub": "nobody"}
        self.mode = HONEST
        self.forged_claims: dict[str, Any] = {}
        self.authorize_requests: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.issuer = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.app = self._build_app()

    def _build_app(self) -> Flask:
        app = Flask("oidc_provider")
        server = AuthorizationServer(
            app,
            query_client=lambda client_id: (
                self.client if client_id == self.client.client_id else None
            ),
            save_token=lambda token, request: None,
        )
        server.provider = self  # the grant reaches the codes through its server
        server.register_grant(CodeGrant, [IdTokens(self), S256Required()])

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Response:
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                scopes_supported=["openid", "email", "profile"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
                code_challenge_methods_supported=["S256"],
            )

        @app.get("/jwks")
        def jwks() -> Response:
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize() -> Response:
            """Approves at once for `self.user`: the test decides who is signed in here."""
            self.authorize_requests.append(request.args.to_dict())
            asked = server.create_oauth2_request(None)
            try:
                grant = server.get_authorization_grant(asked)
            except OAuth2Error as error:
                return server.handle_error_response(asked, error)
            return server.create_authorization_response(asked, grant_user=self.user, grant=grant)

        @app.post("/token")
        def token() -> Response:
            self.token_requests.append(request.form.to_dict())
            response = server.create_token_response()
            if self.mode == ALTERED_PAYLOAD and response.status_code == 200:
                body = json.loads(response.get_data())
                body["id_token"] = _alter_payload(body["id_token"], self.forged_claims)
                response.set_data(json.dumps(body))
            return response

        return app

    def start(self) -> None:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def reset(self, user: dict[str, Any]) -> None:
        """An honest provider with `user` signed in; what it saw before is forgotten."""
        self.user = user
        self.mode = HONEST
        self.forged_claims = {}
        self.codes.clear()
        self.authorize_requests.clear()
        self.token_requests.clear()
