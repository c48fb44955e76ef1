"""Subject access and erasure for the clinic admin, under /staff/admin/privacy.

Addresses travel only in POST bodies, never in URLs, so they stay out of access logs and browser
history; flash messages (kept in the session cookie) carry counts, not addresses.
"""

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for

from clinic import audit
from clinic.models.staff import Role
from clinic.models.types import utcnow
from clinic.privacy import erasure, subject_access
from clinic.staff.access import allow
from clinic.staff.admin.privacy.forms import EraseForm, EraseRequestForm, ExportForm

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.get("/")
@allow(Role.ADMIN)
def index():
    return _index_page(ExportForm(), EraseRequestForm())


def _index_page(export_form, erase_form):
    page = render_template("staff/admin/privacy.html", export_form=export_form, erase_form=erase_form)
    return page, 422 if export_form.errors or erase_form.errors else 200


@bp.post("/export")
@allow(Role.ADMIN)
def export():
    form = ExportForm()
    if not form.validate_on_submit():
        return _index_page(form, EraseRequestForm(formdata=None))
    held = subject_access.holdings(form.email.data)
    if not held.record_count:
        audit.record_now("subject access export", None, "nothing held")
        flash("Nothing is held under that email address, so there is nothing to export.", "info")
        return redirect(url_for("staff.admin.privacy.index"), code=303)
    data = subject_access.export(held)
    audit.record_now(
        "subject access export", None, f"exported {held.record_count} records and {len(held.photos)} photos"
    )
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"subject-access-{utcnow():%Y-%m-%d}.zip",
    )


@bp.post("/erase/check")
@allow(Role.ADMIN)
def erase_check():
    """Shows what erasure would delete, or why it cannot happen yet; changes nothing."""
    form = EraseRequestForm()
    if not form.validate_on_submit():
        return _index_page(ExportForm(formdata=None), form)
    page = _erase_page(EraseForm(formdata=None, email=form.email.data))
    # The page lists the person's references and booking dates: a look at their records.
    audit.record_now("checked records for erasure", None, "listed what erasure would delete")
    return page


@bp.post("/erase")
@allow(Role.ADMIN)
def erase():
    form = EraseForm()
    if not form.validate_on_submit():
        # The address comes from the confirmation page's hidden field; only tampering breaks it.
        if form.email.errors:
            abort(400)
        return _erase_page(form, status=422)
    try:
        deletion = erasure.erase(form.email.data)
    except erasure.ErasureRefused:
        return _erase_page(form)
    if not sum(deletion.counts.values()):
        flash("Nothing is held under that email address, so there was nothing to erase.", "info")
    else:
        flash(f"Erased {erasure.describe(deletion.counts)}.", "info")
    if deletion.files_left:
        flash(
            f"{len(deletion.files_left)} photo files could not be deleted from the disk; "
            "ask whoever runs the server to remove them (the log names them).",
            "warning",
        )
    return redirect(url_for("staff.admin.privacy.index"), code=303)


def _erase_page(form, status=200):
    held = subject_access.holdings(form.email.data)
    problem = erasure.refusal(held)
    page = render_template("staff/admin/privacy_erase.html", form=form, held=held, problem=problem)
    return page, 409 if problem else status
