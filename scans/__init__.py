"""`make scan`: sqlmap and wapiti against a scratch copy of the app on loopback."""
