"""Whether this machine can download now: a quick look before an optional download.

The course runs offline; a few optional cells (pretrained ImageNet weights, public photos) need
the network. Keras's own downloads wait long on a machine without one, so such a cell asks first
(:func:`network_status`), with a short timeout, and says in one line why it skips.
"""

from __future__ import annotations

import os
import socket
import time
from urllib.parse import urlsplit

from neurona import settings
from neurona.i18n import _
from neurona.validate import real_number

__all__ = ["network_status"]

#: Where Keras downloads the weights of ``keras.applications`` and its datasets from.
KERAS_DOWNLOADS_URL = "https://storage.googleapis.com/"

# A proxy named in these variables is what a download would connect to.
_PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


def network_status(url: str = KERAS_DOWNLOADS_URL, timeout: float = 2.0) -> tuple[bool, str]:
    """Say whether ``url``'s server can be reached now, and why not when it cannot.

    It opens (and closes) one TCP connection to the server, or to the HTTPS proxy named in
    ``https_proxy``/``all_proxy`` when there is one: a name that does not resolve, a refused
    connection or no answer within ``timeout`` seconds mean no. Nothing is downloaded. A yes
    does not promise that a download will work (the server can still fail it), so a cell that
    downloads still catches the download's own error.

    Parameters
    ----------
    url : str
        An ``http://`` or ``https://`` address; only its host and port are used.
    timeout : float
        Seconds to wait for the connection, > 0.

    Returns
    -------
    (bool, str)
        ``(True, "storage.googleapis.com answered in 35 ms")`` or ``(False, why)``; with
        ``NEURONA_OFFLINE=1`` (:func:`neurona.settings.offline`) always False, without trying.

    Raises
    ------
    ValueError
        For an address that is not http(s) or has no host, or a timeout that is not > 0.

    Examples
    --------
    >>> reachable, why = network_status(timeout=1.0)            # doctest: +SKIP
    >>> network_status("ftp://example.org")
    Traceback (most recent call last):
    ...
    ValueError: url must be an http:// or https:// address with a host; got 'ftp://example.org'
    """
    real_number("timeout", timeout, 0, low_open=True, note=_("seconds"))
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(_("url must be an http:// or https:// address with a host; "
                           "got {url!r}").format(url=url))
    if settings.offline():
        return False, _("{variable}=1 makes this machine offline").format(
            variable=settings.OFFLINE_ENV)
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    proxy = next((os.environ[name] for name in _PROXY_VARIABLES if os.environ.get(name)), "")
    if proxy:
        proxied = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if proxied.hostname:
            host, port = proxied.hostname, proxied.port or 80
    start = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:  # no name resolution, refused, unreachable, timed out
        return False, _("cannot reach {host} ({error})").format(
            host=host, error=error or type(error).__name__)
    return True, _("{host} answered in {ms:.0f} ms").format(
        host=host, ms=1000 * (time.perf_counter() - start))
