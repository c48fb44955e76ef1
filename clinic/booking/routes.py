"""Booking a consultation: type, then date, then time, then details.

Each step is a plain server-rendered page (GET), so it all works without
JavaScript; static/js/booking.js swaps in times from /book/slots when it can.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from clinic.booking import chosen_slot, invitations, service, slot_cache, waitlist
from clinic.booking import selection as sel
from clinic.booking.forms import BookingForm, WaitlistForm, practitioner_choices, type_choices
from clinic.booking.tokens import LinkNotValid, booking_for_token, manage_token
from clinic.clinic_time import clock, format_start, parse_day
from clinic.extensions import limiter
from clinic.forms.submission_keys import AlreadySubmitted
from clinic.outbox.delivery import send_now
from clinic.privacy import consent
from clinic.web.altcha_challenge import limit_without_solution
from clinic.web.ratelimits import booking_limit, booking_limit_without_challenge
from clinic.web.security import private_page

bp = Blueprint("booking", __name__)


CONFIRMATION_KEY = "booking_token"
WAITLIST_KEY = "waitlist_reference"


@bp.get("/book")
def start():
    types = sel.active_types()
    return render_template(
        "booking/start.html",
        types=types,
        practitioners=sel.active_practitioners(),
        chosen_type=request.args.get("type", str(types[0].id) if types else ""),
        chosen_practitioner=request.args.get("practitioner", sel.ANY_PRACTITIONER),
    )


@bp.get("/book/times")
def times():
    selection = sel.selection_from(request.args)
    if selection is None:
        flash("Choose a type of consultation first.", "warning")
        return redirect(url_for("booking.start"))
    return render_template(
        "booking/times.html", selection=selection, **sel.calendar_context(selection, request.args)
    )


@bp.get("/book/slots")
def slots():
    body = slot_cache.cached(slot_cache.key_for(request.args), _slots_json)
    if body is None:
        return jsonify(error="Give an active consultation type, a practitioner or 'any', and a date."), 400
    return current_app.response_class(body, mimetype="application/json")


def _slots_json():
    answer = _slots_answer()
    return None if answer is None else jsonify(answer).get_data()


def _slots_answer():
    selection = sel.selection_from(request.args)
    day = parse_day(request.args.get("date"))
    if selection is None or day is None:
        return None
    return {
        "date": day.isoformat(),
        "timezone": current_app.config["CLINIC_TIMEZONE"],
        "slots": [
            {
                "start": format_start(slot.start),
                "end": format_start(slot.end),
                "time": clock(slot.start),
                "practitioners": list(slot.practitioner_ids),
            }
            for slot in sel.slots_on(selection, day)
        ],
    }


@bp.route("/book/details", methods=["GET", "POST"])
@limiter.limit(booking_limit, methods=["POST"])
@limit_without_solution(booking_limit_without_challenge)
def details():
    form = BookingForm()
    chosen = chosen_slot.for_booking(request.form if request.method == "POST" else request.args)
    if chosen is None:
        flash("Please choose your consultation and time again.", "warning")
        return redirect(url_for("booking.start"), code=303)

    if request.method == "GET":
        if not chosen.is_free():
            flash("Sorry, that time has just been taken. Please choose another.", "warning")
            return redirect(url_for("booking.times", **chosen.calendar_params()))
        form.process(data={**invitations.prefill(), **chosen.form_data()})
        return _details_page(form, chosen, known_free=True)

    if not form.validate():
        return _details_page(form, chosen, status=422)
    if form.is_spam():
        current_app.logger.info("booking dropped by honeypot")
        return redirect(url_for("booking.start"), code=303)
    agreed = [consent.BOOKING_HEALTH_DATA]
    if form.processed_photos:
        agreed.append(consent.PHOTOS)
    if form.marketing_opt_in.data:
        agreed.append(consent.MARKETING)
    try:
        booking, emails = service.book(
            chosen.selection.consultation_type,
            chosen.start,
            chosen.practitioner_id,
            {
                **form.patient_details(),
                "adult_confirmed": True,
                "marketing_opt_in": form.marketing_opt_in.data,
            },
            consents=agreed,
            uploads=form.processed_photos,
            enquiry_id=invitations.enquiry_id_for(form.email.data),
            submission_key=form.submission_key_value(),
        )
    except AlreadySubmitted as first:
        booking, emails = first.record, []
    except service.SlotTaken:
        return _details_page(form, chosen, status=409, taken=True)
    # The link first: it must reach the patient even if the database goes away while
    # the emails are tried.
    session[CONFIRMATION_KEY] = manage_token(booking)
    invitations.forget()
    send_now(emails)
    return redirect(url_for("booking.confirmed"), code=303)


def _details_page(form, chosen, *, status=200, taken=False, known_free=False):
    form.give_submission_key()
    return render_template(
        "booking/details.html",
        form=form,
        **chosen.details_context(taken=taken, known_free=known_free),
        health_consent=consent.BOOKING_HEALTH_DATA,
        photo_consent=consent.PHOTOS,
        marketing_consent=consent.MARKETING,
    ), status


@bp.get("/book/confirmed")
@private_page
def confirmed():
    token = session.get(CONFIRMATION_KEY)
    try:
        booking = booking_for_token(token) if token else None
    except LinkNotValid:
        booking = None
    if booking is None:
        return redirect(url_for("booking.start"))
    return render_template("booking/confirmed.html", booking=booking, token=token)


@bp.route("/book/waitlist", methods=["GET", "POST"])
@limiter.limit(booking_limit, methods=["POST"])
@limit_without_solution(booking_limit_without_challenge)
def join_waitlist():
    form = WaitlistForm()
    form.type.choices = type_choices(sel.active_types())
    form.practitioner.choices = practitioner_choices(sel.active_practitioners())
    if request.method == "GET":
        form.type.data = request.args.get("type")
        form.practitioner.data = request.args.get("practitioner", sel.ANY_PRACTITIONER)
    if form.validate_on_submit():
        if form.is_spam():
            return redirect(url_for("booking.waitlist_thanks"), code=303)
        entry, emails = waitlist.join(form.entry_details(), form.marketing_opt_in.data)
        session[WAITLIST_KEY] = entry.reference
        send_now(emails)
        return redirect(url_for("booking.waitlist_thanks"), code=303)
    return render_template(
        "booking/waitlist.html",
        form=form,
        health_consent=consent.BOOKING_HEALTH_DATA,
        marketing_consent=consent.MARKETING,
    ), 422 if form.errors else 200


@bp.get("/book/waitlist/thanks")
def waitlist_thanks():
    return render_template("booking/waitlist_thanks.html", reference=session.get(WAITLIST_KEY))


@bp.get("/book/invite/<token>")
@private_page
def accept_invitation(token):
    try:
        enquiry = invitations.enquiry_for_token(token)
    except LinkNotValid as problem:
        return render_template("manage/link_invalid.html", reason=str(problem)), 404
    invitations.remember(enquiry)
    flash("Welcome back. Choose a time, and we will fill in your contact details for you.", "info")
    return redirect(url_for("booking.start"))
