import unicodedata
from urllib.parse import urlsplit


def is_local(target):
    """True only for a path on this site: no scheme, no host, no protocol-relative //.

    A control character or backslash refuses the target before it is parsed: urlsplit
    silently drops CR, LF and tab (so "/\\r\\nSet-Cookie:..." would pass as a path, and
    Werkzeug would then refuse the header with a 500), and browsers read a backslash as /.
    """
    if not target or "\\" in target or any(unicodedata.category(char) == "Cc" for char in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
