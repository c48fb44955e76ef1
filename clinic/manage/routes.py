"""The patient's private links: view, cancel or move a booking, claim a
waiting-list offer or leave the list. Opening a link only ever shows a page; every
change is a POST from a confirmation page, so mail scanners that follow links change
nothing (leaving the list also takes a mail provider's RFC 8058 one-click POST)."""

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from clinic.booking import calendar, chosen_slot, service, waitlist
from clinic.booking import selection as sel
from clinic.booking.notifications import manage_url
from clinic.booking.routes import CONFIRMATION_KEY
from clinic.booking.tokens import (
    LinkNotValid,
    booking_for_token,
    entry_for_leave_token,
    manage_token,
    offer_for_token,
)
from clinic.clinic_time import format_start, parse_start
from clinic.extensions import csrf
from clinic.forms.confirm import ConfirmForm
from clinic.forms.submission_keys import AlreadySubmitted
from clinic.models.booking import BookingStatus, WaitlistStatus
from clinic.outbox.delivery import send_now
from clinic.outbox.service import is_one_click_unsubscribe
from clinic.privacy import erasure
from clinic.web.security import private_page

bp = Blueprint("manage", __name__)

CANCELLED_KEY = "cancelled_reference"


def _booking_or_error(token):
    try:
        return booking_for_token(token), None
    except LinkNotValid as problem:
        return None, _link_invalid(problem)


def _link_invalid(problem):
    return render_template("manage/link_invalid.html", reason=str(problem)), 404


@bp.get("/booking/<token>")
@private_page
def view(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    return render_template(
        "manage/view.html", booking=booking, token=token, refusal=service.change_refusal(booking)
    )


@bp.get("/booking/<token>.ics")
@private_page
def calendar_file(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    return Response(
        calendar.booking_ics(booking, manage_url(booking)),
        content_type=calendar.content_type(booking),
        headers={"Content-Disposition": f'attachment; filename="{calendar.filename(booking)}"'},
    )


@bp.route("/booking/<token>/cancel", methods=["GET", "POST"])
@private_page
def cancel(token):
    try:
        booking = booking_for_token(token)
    except LinkNotValid as problem:
        if (
            request.method == "POST"
            and problem.booking is not None
            and problem.booking.status == BookingStatus.CANCELLED
        ):
            # A second click on "Cancel": the first one did it, and this is its answer too.
            return _show_cancelled(problem.booking)
        return _link_invalid(problem)
    form = ConfirmForm()
    problem = service.change_refusal(booking, "cancelled")
    if not problem and form.validate_on_submit():
        try:
            send_now(service.cancel(booking))
        except service.ChangeNotAllowed as refusal:
            if booking.status != BookingStatus.CANCELLED:
                problem = str(refusal)
            else:
                return _show_cancelled(booking)
        else:
            return _show_cancelled(booking)
    return render_template("manage/cancel.html", booking=booking, token=token, form=form, problem=problem)


def _show_cancelled(booking):
    session[CANCELLED_KEY] = booking.reference
    return redirect(url_for("manage.cancelled"), code=303)


@bp.route("/booking/<token>/photos/withdraw", methods=["GET", "POST"])
@private_page
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
@private_page
def cancelled():
    return render_template("manage/cancelled.html", reference=session.get(CANCELLED_KEY))


@bp.get("/booking/<token>/move")
@private_page
def move(token):
    booking, error = _booking_or_error(token)
    if error:
        return error
    selection = sel.selection_for_move(booking, request.args.get("practitioner", booking.practitioner_id))
    return render_template(
        "manage/move.html",
        booking=booking,
        token=token,
        selection=selection,
        practitioners=sel.active_practitioners(),
        **sel.calendar_context(selection, request.args, exclude_booking_id=booking.id),
    )


@bp.route("/booking/<token>/move/confirm", methods=["GET", "POST"])
@private_page
def move_confirm(token):
    values = request.form if request.method == "POST" else request.args
    try:
        booking = booking_for_token(token)
    except LinkNotValid as problem:
        if request.method == "POST" and _already_at(problem.booking, parse_start(values.get("start"))):
            # A second click on "Move": the first one moved it here.
            return _show_moved(problem.booking)
        return _link_invalid(problem)
    chosen = chosen_slot.for_move(booking, values)
    if chosen is None:
        return redirect(url_for("manage.move", token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            send_now(service.move(booking, chosen.start, chosen.practitioner_id))
        except service.SlotTaken:
            flash("Sorry, that time has just been taken. Please choose another.", "warning")
            return redirect(url_for("manage.move", token=token, **chosen.calendar_params()))
        except service.NothingToChange:
            return _show_moved(booking)
        except service.ChangeNotAllowed as refusal:
            flash(str(refusal), "warning")
            return redirect(url_for("manage.view", token=token))
        flash("Your booking has moved. We have emailed you the new details and calendar file.", "info")
        return redirect(url_for("manage.view", token=manage_token(booking)), code=303)
    if not chosen.is_free():
        flash("Sorry, that time is no longer free. Please choose another.", "warning")
        return redirect(url_for("manage.move", token=token, **chosen.selection.params()))
    return render_template(
        "manage/move_confirm.html",
        booking=booking,
        token=token,
        form=form,
        selection=chosen.selection,
        start=chosen.start,
        format_start=format_start,
    )


def _already_at(booking, start):
    return booking is not None and booking.is_live and start is not None and booking.starts_at == start


def _show_moved(booking):
    """What a repeated move request is told: the move it asked for is done. The new
    link goes only by email, so an old link never reveals the current one."""
    return render_template("manage/moved.html", booking=booking)


@bp.route("/waitlist/offer/<token>", methods=["GET", "POST"])
@private_page
def claim_offer(token):
    try:
        entry, start, practitioner_id = offer_for_token(token)
    except LinkNotValid as problem:
        claimed = waitlist.booking_claimed_with(token)
        if request.method == "POST" and claimed is not None:
            # A second click on "Book this time": the first one booked it.
            return _show_confirmation(claimed)
        return _link_invalid(problem)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            booking, emails = waitlist.claim(entry, start, practitioner_id, token)
        except AlreadySubmitted as first:
            return _show_confirmation(first.record)
        except service.SlotTaken:
            return render_template("manage/offer_gone.html", entry=entry), 409
        send_now(emails)
        return _show_confirmation(booking)
    return render_template("manage/claim.html", entry=entry, start=start, form=form)


def _show_confirmation(booking):
    session[CONFIRMATION_KEY] = manage_token(booking)
    return redirect(url_for("booking.confirmed"), code=303)


@bp.route("/waitlist/leave/<token>", methods=["GET", "POST"])
# Exempt from the app-wide CSRF check for one case only: a mail provider's one-click
# unsubscribe (RFC 8058) POSTs without a cookie or token. A browser's POST must
# still carry the confirmation form's token, checked below.
@csrf.exempt
@private_page
def leave_waitlist(token):
    try:
        entry = entry_for_leave_token(token)
    except LinkNotValid as problem:
        return _link_invalid(problem)
    if request.method == "POST" and is_one_click_unsubscribe(request.form):
        waitlist.leave(entry)
        return render_template("manage/leave.html", entry=entry, on_list=False)
    form = ConfirmForm()
    if form.validate_on_submit():
        waitlist.leave(entry)
        return redirect(url_for("manage.leave_waitlist", token=token), code=303)
    if request.method == "POST":
        raise CSRFError()
    return render_template(
        "manage/leave.html", entry=entry, form=form, on_list=entry.status == WaitlistStatus.WAITING
    )
