"""The patient's private links: view, cancel or move a booking, and claim a
waiting-list offer. Opening a link only ever shows a page; every change is a
POST from a confirmation page, so mail scanners that follow links change nothing."""

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for

from clinic.booking import calendar, service, waitlist
from clinic.booking import selection as sel
from clinic.booking.forms import ConfirmForm
from clinic.booking.notifications import manage_url
from clinic.booking.routes import CONFIRMATION_KEY
from clinic.booking.tokens import LinkNotValid, booking_for_token, manage_token, offer_for_token
from clinic.outbox import send_now
from clinic.privacy import erasure
from clinic.timefmt import format_start, parse_start, to_local

bp = Blueprint("manage", __name__)

CANCELLED_KEY = "cancelled_reference"


def _booking_or_error(token):
    try:
        return booking_for_token(token), None
    except LinkNotValid as problem:
        return None, (render_template("manage/link_invalid.html", reason=str(problem)), 404)


@bp.get("/booking/<token>")
def view(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    return render_template(
        "manage/view.html", booking=booking, token=token, refusal=service.change_refusal(booking)
    )


@bp.get("/booking/<token>.ics")
def calendar_file(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    return Response(
        calendar.booking_ics(booking, manage_url(booking)),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{calendar.filename(booking)}"'},
    )


@bp.route("/booking/<token>/cancel", methods=["GET", "POST"])
def cancel(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    form = ConfirmForm()
    problem = service.change_refusal(booking, "cancelled")
    if not problem and form.validate_on_submit():
        reference = booking.reference
        try:
            send_now(service.cancel(booking))
        except service.ChangeNotAllowed as refusal:
            problem = str(refusal)
        else:
            session[CANCELLED_KEY] = reference
            return redirect(url_for("manage.cancelled"), code=303)
    return render_template("manage/cancel.html", booking=booking, token=token, form=form, problem=problem)


@bp.route("/booking/<token>/photos/withdraw", methods=["GET", "POST"])
def withdraw_photos(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    if not booking.photos:
        flash("There are no photos with this booking.", "info")
        return redirect(url_for("manage.view", token=token), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        erasure.withdraw_photo_consent(booking)
        flash("We have deleted your photos. Nobody at the clinic can see them any more.", "info")
        return redirect(url_for("manage.view", token=token), code=303)
    return render_template("manage/withdraw.html", booking=booking, token=token, form=form)


@bp.get("/booking/cancelled")
def cancelled():
    return render_template("manage/cancelled.html", reference=session.get(CANCELLED_KEY))


@bp.get("/booking/<token>/move")
def move(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    selection = sel.selection_from(
        {"type": booking.type_id, "practitioner": request.args.get("practitioner", booking.practitioner_id)}
    )
    if selection is None:
        selection = sel.Selection(booking.type, None)
    return render_template(
        "manage/move.html",
        booking=booking,
        token=token,
        selection=selection,
        practitioners=sel.active_practitioners(),
        **sel.calendar_context(selection, request.args, exclude_booking_id=booking.id),
    )


@bp.route("/booking/<token>/move/confirm", methods=["GET", "POST"])
def move_confirm(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    values = request.form if request.method == "POST" else request.args
    selection = sel.selection_from({"type": booking.type_id, "practitioner": values.get("practitioner")})
    start = parse_start(values.get("start"))
    if selection is None or start is None:
        return redirect(url_for("manage.move", token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            send_now(service.move(booking, start, selection.practitioner_id))
        except service.SlotTaken:
            flash("Sorry, that time has just been taken. Please choose another.", "warning")
            return redirect(
                url_for("manage.move", token=token, **selection.params(date=to_local(start).date()))
            )
        except service.ChangeNotAllowed as refusal:
            flash(str(refusal), "warning")
            return redirect(url_for("manage.view", token=token))
        flash("Your booking has moved. We have emailed you the new details and calendar file.", "info")
        return redirect(url_for("manage.view", token=manage_token(booking)), code=303)
    if not sel.is_free(selection, start, exclude_booking_id=booking.id):
        flash("Sorry, that time is no longer free. Please choose another.", "warning")
        return redirect(url_for("manage.move", token=token, **selection.params()))
    return render_template(
        "manage/move_confirm.html",
        booking=booking,
        token=token,
        form=form,
        selection=selection,
        start=start,
        format_start=format_start,
    )


@bp.route("/waitlist/offer/<token>", methods=["GET", "POST"])
def claim_offer(token):
    try:
        entry, start, practitioner_id = offer_for_token(token)
    except LinkNotValid as problem:
        return render_template("manage/link_invalid.html", reason=str(problem)), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            booking, emails = waitlist.claim(entry, start, practitioner_id)
        except service.SlotTaken:
            return render_template("manage/offer_gone.html", entry=entry), 409
        send_now(emails)
        session[CONFIRMATION_KEY] = manage_token(booking)
        return redirect(url_for("booking.confirmed"), code=303)
    return render_template("manage/claim.html", entry=entry, start=start, form=form)
