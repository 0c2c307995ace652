"""A small Microsoft Graph client over `requests`: app-only bearer tokens, throttling, paging.

What it does for every call, as Microsoft documents Graph:
- the token comes from the [microsoft] app (`OAuthLogin`); a `401` on a cached token gets one
  retry with a fresh token (a revoked consent, a token Graph no longer accepts);
- `429`, `503` and `504` are retried after the `Retry-After` seconds the service asks for
  ("Microsoft Graph throttling guidance"), a bounded number of times and never for longer than
  `max_retry_wait`; past that the call fails, and the caller's next pass tries again;
- except a `504` to a call that must not happen twice (a POST or PATCH unless its caller
  says otherwise: sendMail, a move, a cancelled event): a gateway timeout says only that no
  answer came back, not that nothing was done, so it is raised at once as maybe done, for the
  caller to check before it tries again (the outbox looks in Sent Items). A `429` or `503` is
  Graph's word that the request was not processed, so those are waited for whatever the call;
- a `500`, `502` or `504` is raised as maybe done (never repeated here), and so is a request
  that got no answer (a read timeout, a connection reset once the request had gone);
- a call given a deadline (sendMail: SEND_SECONDS, bot.adapters.outgoing) ends by it, waits
  and all: a wait that would outlast it is not taken, and each request's timeout is what is
  left, so the outbox's claim on the email always outlasts the call;
- `@odata.nextLink` pages are followed to the end, and only on the configured Graph host, so
  the bearer token never goes anywhere else;
- Graph's error body (`{"error": {"code": ..., "message": ...}}`, "Microsoft Graph error
  responses and resource types") becomes one line, "Graph refused <call>: <code>: <message>",
  and a `403` names the application permission the call needs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from bot.adapters.graph_error import GraphError
from bot.adapters.http_failure import connect_problem, never_connected
from bot.adapters.oauth_tokens import OAuthLogin, Token, TokenError

log = logging.getLogger(__name__)

_THROTTLED = (429, 503, 504)
# 429 and 503 mean "not processed, come back later"; 504 means only that the answer did not
# come back in time, so only a request that may be repeated safely waits and goes again.
_NOT_PROCESSED = (429, 503)
# Answers that do not say the request was not carried out ("Microsoft Graph error responses
# and resource types"): 500, "an internal server error while processing the request", and a
# gateway's answer for the server behind it (502 Bad Gateway, 504 Gateway Timeout). sendMail's
# message is saved in Drafts, from where Exchange sends it, before its 202 is written
# ("Overview of the Microsoft Graph send mail process"): any of them may come after that.
# Not 503: "temporarily unavailable ... You may repeat the request after a delay", Graph's word
# that it was not processed, as a 429 is ("Microsoft Graph throttling guidance").
_MAYBE_DONE = (500, 502, 504)
_REPEATABLE = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_NO_RETRY_AFTER_WAIT = 2.0  # seconds, doubled per retry, when the service names no wait


@dataclass(frozen=True)
class Page:
    """Everything a paged (or delta) call returned, and its delta link when it gave one."""

    items: list[dict[str, Any]]
    delta_link: str | None


class GraphClient:
    def __init__(
        self,
        base_url: str,
        login: OAuthLogin,
        *,
        timeout: float = 30.0,
        max_retry_wait: float = 120.0,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._login = login
        self._timeout = timeout
        self._max_retry_wait = max_retry_wait
        self._retries = retries
        self._sleep = sleep
        self._monotonic = monotonic
        self._session = requests.Session()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def deadline_in(self, seconds: float) -> float:
        """A deadline for call(), `seconds` from now on the client's clock."""
        return self._monotonic() + seconds

    def call(
        self,
        method: str,
        url: str,
        *,
        what: str,
        permission: str,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        repeatable: bool | None = None,
        deadline: float | None = None,
    ) -> requests.Response:
        """One request, with the token, 401 and throttling handling; a non-2xx raises.

        repeatable: whether sending the request twice does no more than sending it once; by
        default a GET, PUT or DELETE is and a POST or PATCH is not. deadline (deadline_in):
        when the call ends, whatever Graph asks us to wait."""
        self._on_graph(url, what)
        if repeatable is None:
            repeatable = method.upper() in _REPEATABLE
        fresh, throttled = False, 0
        while True:
            token = self._token(fresh, what)
            timeout = self._time_left(deadline, what)
            response = self._send(method, url, token, what, params, json, data, headers, timeout)
            status = response.status_code
            if 200 <= status < 300:
                return response
            if status == 401 and not fresh and token.from_cache:
                log.info("Graph refused a cached token for %s; asking for a fresh one", what)
                fresh = True
                continue
            if _may_repeat(repeatable, status) and throttled < self._retries:
                wait = _retry_after(response, throttled)
                if wait <= self._max_retry_wait and self._fits(wait, deadline):
                    log.warning("Graph is throttling %s (%d); waiting %.0f s", what, status, wait)
                    self._sleep(wait)
                    throttled += 1
                    continue
            raise _refused(response, what, permission)

    def json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call(method, url, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise GraphError(f"Graph {kwargs['what']}: the answer was not JSON", status=200)
        return body

    def pages(
        self,
        url: str,
        *,
        what: str,
        permission: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        """Every item of a collection, following `@odata.nextLink` to the last page."""
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        while next_url is not None:
            body = self.json(
                "GET", next_url, what=what, permission=permission, params=params, headers=headers
            )
            params = None  # the next link carries the query (and its skip token) itself
            value = body.get("value")
            if not isinstance(value, list):
                raise GraphError(f"Graph {what}: the answer had no value list", status=200)
            items += [item for item in value if isinstance(item, dict)]
            next_url = _link(body, "@odata.nextLink")
            if next_url is None:
                return Page(items, _link(body, "@odata.deltaLink"))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._session.close()

    # -- steps ------------------------------------------------------------------------------------

    def _on_graph(self, url: str, what: str) -> None:
        # Paging and delta links come from the service; the token goes only to the Graph host.
        if url != self.base_url and not url.startswith(self.base_url + "/"):
            where = url.split("?")[0]
            raise GraphError(f"Graph {what}: a link to {where} is not on {self.base_url}")

    def _time_left(self, deadline: float | None, what: str) -> float:
        """The next request's timeout: the client's, or less when the deadline is nearer."""
        if deadline is None:
            return self._timeout
        left = deadline - self._monotonic()
        if left <= 0:  # before the request: Graph was asked nothing more
            raise GraphError(f"Graph {what}: no time left to ask again; the next pass tries")
        return min(self._timeout, left)

    def _fits(self, wait: float, deadline: float | None) -> bool:
        return deadline is None or self._monotonic() + wait < deadline

    def _token(self, fresh: bool, what: str) -> Token:
        try:
            return self._login.fresh_token() if fresh else self._login.token()
        except TokenError as exc:
            raise GraphError(f"Graph {what}: no OAuth token: {exc}", no_token=True) from None

    def _send(
        self,
        method: str,
        url: str,
        token: Token,
        what: str,
        params: Mapping[str, str] | None,
        json: Any,
        data: bytes | None,
        headers: Mapping[str, str] | None,
        timeout: float,
    ) -> requests.Response:
        try:
            return self._session.request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers={**(headers or {}), "Authorization": f"Bearer {token.value}"},
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            if never_connected(exc):
                problem = connect_problem(exc)
                raise GraphError(
                    f"Graph {what} failed: {problem} ({self.base_url})", unreachable=True
                ) from None
            raise GraphError(
                f"Graph {what} failed: {_problem(exc)} ({self.base_url})",
                maybe_done=_maybe_reached(exc),
            ) from None


def _maybe_reached(exc: requests.RequestException) -> bool:
    """Whether the request may have been carried out though no answer came: a read that timed
    out, an answer cut short, or a connection that dropped once made (a reset mid-reply). Not
    when no connection was ever made (refused, no such host, a connect timeout, TLS)."""
    lost = (requests.exceptions.ReadTimeout, requests.exceptions.ChunkedEncodingError)
    if isinstance(exc, lost):
        return True
    return isinstance(exc, requests.exceptions.ConnectionError) and not never_connected(exc)


# Why a 403 happens, in the words an administrator acts on.
def _permission_hint(permission: str) -> str:
    return (
        f"the app needs the {permission} application permission with admin consent, and this "
        "mailbox inside its Exchange Online RBAC scope (or application access policy)"
    )


def _refused(response: requests.Response, what: str, permission: str) -> GraphError:
    status = response.status_code
    code, message = _error_body(response)
    detail = f"{code}: {message}" if code else f"HTTP {status}"
    if code and not message:
        detail = code
    text = f"Graph refused {what}: {detail}"
    if status == 403:
        text += f" ({_permission_hint(permission)})"
    elif status == 401:
        text += " (check the [microsoft] app registration, its secret or certificate, and consent)"
    elif status == 500:
        text += " (the server failed while carrying it out: it may have been done)"
    elif status in _MAYBE_DONE:
        text += " (no answer came from the server behind the gateway: it may have been done)"
    elif status in _THROTTLED:
        text += " (Graph is busy or throttling; the next pass tries again)"
    return GraphError(
        " ".join(text.split()), status=status, code=code, maybe_done=status in _MAYBE_DONE
    )


def _error_body(response: requests.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        return "", ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", ""
    return str(error.get("code") or ""), str(error.get("message") or "")


def _may_repeat(repeatable: bool, status: int) -> bool:
    return status in _NOT_PROCESSED or (status in _THROTTLED and repeatable)


def _retry_after(response: requests.Response, attempt: int) -> float:
    """Seconds the service asked us to wait (Retry-After: seconds or an HTTP date)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
            return max(0.0, float(when.timestamp()) - time.time())
        except (TypeError, ValueError):
            pass
    return _NO_RETRY_AFTER_WAIT * (1 << attempt)


def _link(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) and value else None


def _problem(exc: requests.RequestException) -> str:
    """A failure once connected (one never connected is worded by connect_problem)."""
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed"
    return type(exc).__name__
