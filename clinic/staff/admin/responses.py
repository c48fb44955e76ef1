"""How every admin view answers: a change redirects (303) with a flash message; a form with
errors is shown again (422)."""

from flask import flash, redirect, render_template, url_for


def done(message, endpoint, **values):
    flash(message, "info")
    return redirect(url_for(endpoint, **values), code=303)


def form_page(template, form, **context):
    return render_template(template, form=form, **context), 422 if form.errors else 200
