import logging

from flask import Blueprint, redirect, render_template, session, url_for
from sqlalchemy import select, text

from clinic.enquiries.service import submit_enquiry
from clinic.extensions import db, limiter
from clinic.forms.submission_keys import AlreadySubmitted
from clinic.models import MediaItem, Testimonial
from clinic.outbox.delivery import send_now
from clinic.privacy import consent
from clinic.public.forms import EnquiryForm
from clinic.web import page_cache
from clinic.web.altcha_challenge import limit_without_solution, new_challenge
from clinic.web.errors import RETRY_AFTER_SECONDS
from clinic.web.ratelimits import enquiry_limit, enquiry_limit_without_challenge

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)

THANKS_SESSION_KEY = "enquiry_reference"


@bp.get("/")
@page_cache.cached_page
def index():
    return render_template("public/index.html")


@bp.get("/smp")
@page_cache.cached_page
def smp():
    return render_template("public/smp.html")


@bp.get("/testimonials")
@page_cache.cached_page
def testimonials():
    items = db.session.scalars(
        select(Testimonial).where(Testimonial.published).order_by(Testimonial.given_on.desc())
    ).all()
    return render_template("public/testimonials.html", testimonials=items)


@bp.get("/media")
@page_cache.cached_page
def media():
    items = db.session.scalars(
        select(MediaItem).where(MediaItem.published).order_by(MediaItem.published_on.desc())
    ).all()
    return render_template("public/media.html", items=items)


@bp.get("/visit")
@page_cache.cached_page
def visit():
    return render_template("public/visit.html")


@bp.get("/privacy")
@page_cache.cached_page
def privacy():
    return render_template("public/privacy.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means the database is not usable
        # One line, the error's type only: its text can quote connection details.
        log.warning("health check: database unavailable error=%s", type(error).__name__)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return {"status": "error", "database": "unavailable"}, 503, headers
    return {"status": "ok", "database": "ok"}


@bp.route("/enquire", methods=["GET", "POST"])
@limiter.limit(enquiry_limit, methods=["POST"])
@limit_without_solution(enquiry_limit_without_challenge)
def enquire():
    form = EnquiryForm()
    if form.validate_on_submit():
        if form.is_spam():
            log.info("enquiry dropped by honeypot")
            session.pop(THANKS_SESSION_KEY, None)
            return redirect(url_for("public.enquiry_thanks"), code=303)
        try:
            enquiry, emails = submit_enquiry(
                form.enquiry_details(),
                form.marketing_opt_in.data,
                uploads=form.processed_photos,
                submission_key=form.submission_key_value(),
            )
        except AlreadySubmitted as first:
            enquiry, emails = first.record, []
        # Read before sending: the reference must reach the patient even if the
        # database goes away while the emails are tried.
        session[THANKS_SESSION_KEY] = enquiry.reference
        send_now(emails)
        return redirect(url_for("public.enquiry_thanks"), code=303)
    form.give_submission_key()
    return render_template(
        "public/enquire.html",
        form=form,
        health_consent=consent.ENQUIRY_HEALTH_DATA,
        marketing_consent=consent.MARKETING,
        photo_consent=consent.PHOTOS,
    ), 200 if not form.errors else 422


@bp.get("/altcha/challenge")
def proof_of_work_challenge():
    # A new challenge for every page: a cached one would be spent by its first form.
    return new_challenge(), {"Cache-Control": "no-store"}


@bp.get("/enquire/thanks")
def enquiry_thanks():
    return render_template("public/enquiry_thanks.html", reference=session.get(THANKS_SESSION_KEY))
