from sqlalchemy import func, select

from clinic import create_app
from clinic.extensions import db
from clinic.models import MediaItem, Testimonial
from config import ProductionConfig


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_loads_marked_sample_content(app, runner, client):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert count(app, Testimonial) == 3
    assert count(app, MediaItem) == 2
    with app.app_context():
        assert all(db.session.scalars(select(Testimonial.is_sample)))
    assert "Sample entry" in client.get("/testimonials").get_data(as_text=True)
    assert "Sample entry" in client.get("/media").get_data(as_text=True)


def test_seed_demo_refuses_a_database_that_has_data(app, runner):
    runner.invoke(args=["seed-demo"])

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code != 0
    assert "already has data" in again.output
    assert count(app, Testimonial) == 3


def test_seed_demo_if_empty_is_safe_to_repeat(app, runner):
    runner.invoke(args=["seed-demo"])

    again = runner.invoke(args=["seed-demo", "--if-empty"])

    assert again.exit_code == 0
    assert count(app, Testimonial) == 3


def test_seed_demo_refuses_in_production(app_settings):
    class Production(ProductionConfig):
        SECRET_KEY = "a-long-random-production-secret-key-0123456789"

    app = create_app(Production, app_settings)

    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code != 0
    assert "development only" in result.output
    assert count(app, Testimonial) == 0
