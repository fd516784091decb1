"""A real OpenID provider for the single sign-on tests: node's ``oidc-provider`` (npm, pinned in
package-lock.json) running ``tests/sso/provider.mjs`` on a free port of 127.0.0.1.

The tests own its signing keys (generated here), so they can rotate them and forge tokens signed
with the provider's own key (to prove that audience, issuer, expiry and nonce are checked, not
only the signature).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
NODE = shutil.which("node")
MODULE = ROOT / "node_modules" / "oidc-provider"

CLIENT_ID = "readiness-tests"
CLIENT_SECRET = "readiness-tests-secret-of-at-least-32-bytes"  # the test provider's
TEST_SERVER = "http://testserver"

# The people at the provider. ``login`` is their subject (sub).
ACCOUNTS: dict[str, dict[str, Any]] = {
    "alice": {
        "email": "alice@example.com",
        "email_verified": True,
        "name": "Alice Agent",
        "groups": ["support-emea", "everyone"],
    },
    "lena": {
        "email": "lena@example.com",
        "email_verified": True,
        "name": "Lena Lead",
        "groups": ["support-emea-leads", "readiness-admins"],
    },
    "pat": {  # has a password account here already (the tests make it)
        "email": "pat@example.com",
        "email_verified": True,
        "name": "Pat Password",
        "groups": ["support-emea"],
    },
    "uma": {  # the provider does not vouch for this address
        "email": "pat@example.com",
        "email_verified": False,
        "name": "Uma Unverified",
        "groups": ["support-emea"],
    },
    "mallory": {
        "email": "mallory@elsewhere.test",
        "email_verified": True,
        "name": "Mallory",
        "groups": ["support-emea"],
    },
}


def available() -> bool:
    return bool(NODE) and MODULE.is_dir()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SigningKey:
    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        key = json.loads(RSAAlgorithm.to_jwk(self.private))
        # PyJWT marks a private key "sign" only; the provider also verifies with it (the
        # id_token_hint of the end-session endpoint).
        key.pop("key_ops", None)
        key.update(kid=self.kid, use="sig", alg="RS256")
        return key


class TestProvider:
    """The running provider and what the tests do with it."""

    __test__ = False  # not a test class

    def __init__(self, port: int, config_path: Path) -> None:
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.config_path = config_path
        self.keys = [SigningKey("key-1")]
        self.redirect_bases = [TEST_SERVER]
        self.process: subprocess.Popen[str] | None = None

    # --- configuration -------------------------------------------------------------------

    def _clients(self) -> list[dict[str, Any]]:
        return [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{b}/accounts/sso/callback/" for b in self.redirect_bases],
                "post_logout_redirect_uris": [f"{b}/accounts/login/" for b in self.redirect_bases],
            }
        ]

    def config(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "keys": [key.jwk() for key in self.keys],
            "clients": self._clients(),
            "accounts": ACCOUNTS,
        }

    def configure(self) -> None:
        """Send the current keys and clients to the running provider."""
        update = {"keys": [key.jwk() for key in self.keys], "clients": self._clients()}
        response = requests.post(f"{self.issuer}/__test/configure", json=update, timeout=10)
        response.raise_for_status()

    def allow_redirects_to(self, base_url: str) -> None:
        if base_url not in self.redirect_bases:
            self.redirect_bases.append(base_url)
            self.configure()

    def rotate_keys(self) -> SigningKey:
        """Sign with a new key from now on; the old one is no longer published."""
        key = SigningKey(f"key-{uuid.uuid4().hex[:8]}")
        self.keys = [key]
        self.configure()
        return key

    # --- forging ---------------------------------------------------------------------------

    def sign(self, claims: dict[str, Any], *, key: SigningKey | None = None) -> str:
        """A token signed as the provider signs (its current key unless ``key``)."""
        key = key or self.keys[0]
        return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})

    def id_claims(self, *, nonce: str, sub: str = "alice", **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": sub,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    # --- driving a login without a browser ------------------------------------------------

    def sign_in_at_provider(self, authorize_url: str, login: str) -> str:
        """Follow the app's redirect to the provider, sign in there as ``login``, and return
        the URL the provider sends the browser back to (the app's callback, not opened)."""
        session = requests.Session()
        page = session.get(authorize_url, timeout=10)
        page.raise_for_status()
        uid = urlsplit(page.url).path.rsplit("/", 1)[1]
        response = session.post(
            f"{self.issuer}/interaction/{uid}/login",
            data={"login": login, "password": "anything"},
            allow_redirects=False,
            timeout=10,
        )
        location = response.headers["Location"]
        while location.startswith(self.issuer):
            response = session.get(location, allow_redirects=False, timeout=10)
            location = response.headers["Location"]
        return location


def callback_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@contextmanager
def provider_running(workdir: Path) -> Iterator[TestProvider]:
    """Start the provider, wait until it answers, stop it afterwards."""
    assert NODE is not None
    provider = TestProvider(_free_port(), workdir / "provider.json")
    provider.config_path.write_text(json.dumps(provider.config()))
    log = workdir / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # our own script
            [NODE, str(SCRIPT), str(provider.config_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=output,
            text=True,
            env={**os.environ, "NODE_ENV": "test"},
        )
    provider.process = process
    ready = threading.Event()

    def watch() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("listening"):
                ready.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        if not ready.wait(20):
            raise RuntimeError(f"The test OpenID provider did not start:\n{log.read_text()}")
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
