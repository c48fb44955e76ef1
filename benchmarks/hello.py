"""The smallest Flask app, served with the clinic's gunicorn settings: the stack's ceiling."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
