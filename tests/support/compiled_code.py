"""Every test builds an app of its own; these let the apps of one test process share
the code that Jinja and Werkzeug generate, which is the same for every app.

Without them each app compiles every template it renders and every URL rule it
registers again: about a tenth of a second per test. Nothing a test checks changes: a template is
compiled again when its source changes, and a URL builder is shared only between
rules that would generate the very same code.
"""

import jinja2
from flask import Flask
from werkzeug.routing.rules import Rule


class TemplateCodeInMemory(jinja2.BytecodeCache):
    """Jinja's bytecode cache, kept in this process; keyed by template name and source."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


def url_builders_shared_between_apps():
    """Rule._compile_builder, remembering what it built for a rule of the same shape.

    The builder it generates depends only on the rule's parsed parts and
    whether unknown arguments become a query string; it reaches the rule's
    converters through its `self` argument, so rules can share it. Rules with
    defaults resolve them into the code, so they are always compiled afresh.
    """
    compile_builder = Rule._compile_builder
    built = {}

    def shared_builder(rule, append_unknown=True):
        if rule.defaults:
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), append_unknown)
        if key not in built:
            built[key] = compile_builder(rule, append_unknown)
        return built[key]

    return shared_builder


def share_compiled_code(monkeypatch):
    monkeypatch.setattr(
        Flask, "jinja_options", {**Flask.jinja_options, "bytecode_cache": TemplateCodeInMemory()}
    )
    monkeypatch.setattr(Rule, "_compile_builder", url_builders_shared_between_apps())
