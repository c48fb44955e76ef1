from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address."), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])
    code = StringField("Two-factor code (if you use it)", validators=[Length(max=10)])


class TwoFactorForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app", validators=[DataRequired("Enter the 6-digit code.")]
    )


class SignOutForm(FlaskForm):
    """A POST with a CSRF token: a link or an image elsewhere cannot sign staff out."""
