"""Which account an access key belongs to, learned the way AWS knows it: from the
credentials STS handed out.

The proxy sees every sts:AssumeRole request (the role's ARN names the account) and its
answer (the new AccessKeyId). Keys it never saw issued belong to the default account, as
in moto, where unknown keys act in 123456789012.
"""

from __future__ import annotations

import re
import threading

_ACCESS_KEY_ID = re.compile(rb"AccessKeyId[\"'>:\s]*([A-Z0-9]{16,128})")


class AccountDirectory:
    """Thread-safe access key -> account id map."""

    def __init__(self, default_account: str) -> None:
        self.default_account = default_account
        self._accounts: dict[str, str] = {}
        self._lock = threading.Lock()

    def register(self, access_key: str, account_id: str) -> None:
        with self._lock:
            self._accounts[access_key] = account_id

    def account_of(self, access_key: str) -> str:
        with self._lock:
            return self._accounts.get(access_key, self.default_account)

    def learn(self, role_account: str, response_body: bytes) -> None:
        """Record the key an AssumeRole answer issued for `role_account`."""
        match = _ACCESS_KEY_ID.search(response_body)
        if match is not None:
            self.register(match.group(1).decode(), role_account)


__all__ = ["AccountDirectory"]
