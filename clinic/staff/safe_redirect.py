from urllib.parse import urlsplit


def is_local(target):
    """True only for a path on this site: no scheme, no host, no protocol-relative //."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
