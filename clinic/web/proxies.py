"""Which client a request comes from, when our own proxies stand in front of the app."""

from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxy(app):
    """Take the client's address and scheme from the proxy's X-Forwarded-For and
    -Proto, believing only the last PROXY_TRUSTED_HOPS entries: the ones our own
    proxies appended. Anything a client put in front of them is ignored, so it
    cannot dodge a rate limit or forge the address in the audit log.

    And only when the request comes from a proxy (TRUSTED_PROXY_ADDRESSES, or a
    Unix socket): a client that reaches gunicorn directly is taken at its own
    address, whatever headers it sends.

    X-Forwarded-Host and -Prefix are not trusted: nginx passes the Host header
    through and serves the app at /, and a header we do not need is one a
    misconfigured proxy could let a client set.
    """
    hops = app.config["PROXY_TRUSTED_HOPS"]
    if hops:
        app.wsgi_app = FromTrustedProxies(app.wsgi_app, app.config["TRUSTED_PROXY_ADDRESSES"], hops)


class FromTrustedProxies:
    """WSGI middleware: ProxyFix for requests whose peer is one of our proxies, and
    nothing for any other peer."""

    def __init__(self, wsgi_app, addresses, hops):
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
        # gunicorn gives a Unix socket's peer no address; only local processes the
        # socket file's permissions let in (nginx) can connect to one.
        self.addresses = frozenset(addresses) | {""}

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.addresses:
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)
