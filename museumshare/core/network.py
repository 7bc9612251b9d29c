"""The address a request came from, trusting a forwarding header only from a configured proxy."""

from ipaddress import ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: str) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or, when that is one of TRUSTED_PROXIES, the last address in X-Forwarded-For
    that is not itself a trusted proxy: anything further left was written by the client and can
    be forged."""
    remote: str = request.META.get("REMOTE_ADDR") or ""
    if not _trusted(remote):
        return remote
    hops: list[str] = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop
    return remote
