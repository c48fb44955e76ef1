from flask import Blueprint, render_template

bp = Blueprint("booking", __name__)


@bp.get("/book")
def start():
    return render_template("booking/start.html")
