"""Read a page's form as a browser would submit it, so the scanners send real forms."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (attrs.get("action") or "") in ("", self.action) and not self.fields
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                # Tick every box and take the first choice: the happy path of the form.
                self.fields.setdefault(name, attrs.get("value", "y"))
            elif kind not in ("submit", "button", "file", "image"):
                self.fields.setdefault(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields.setdefault(self._select, attrs["value"])
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html, action=""):
    """Name -> value of the first form posting to `action` (or to its own page)."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields
