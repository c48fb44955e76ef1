from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from clinic.forms.validators import NoControlCharacters


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address."), Length(max=254), NoControlCharacters()],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])
    code = StringField("Two-factor code (if you use it)", validators=[Length(max=10)])


class TwoFactorForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app", validators=[DataRequired("Enter the 6-digit code.")]
    )


class SignOutForm(FlaskForm):
    """A POST with a CSRF token: a link or an image elsewhere cannot sign staff out."""


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password."), Length(max=200)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("new_password", "The two do not match."),
        ],
    )
