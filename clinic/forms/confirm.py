from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """An empty POST with a CSRF token: cancelling, moving or sending needs a deliberate
    click, so mail scanners and link previews that follow links change nothing."""
