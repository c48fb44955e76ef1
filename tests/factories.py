"""factory_boy factories; use them inside `with app.app_context():`."""

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from clinic.extensions import db
from clinic.models import MediaItem, Testimonial


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per app context
        sqlalchemy_session_persistence = "commit"


class TestimonialFactory(BaseFactory):
    class Meta:
        model = Testimonial

    headline = factory.Sequence(lambda n: f"Testimonial headline {n}")
    body = "The consultation was clear about what SMP could and could not do."
    attribution = factory.Sequence(lambda n: f"Patient {n}")
    treatment = "SMP, crown"
    given_on = date(2026, 5, 1)
    is_sample = False
    published = True


class MediaItemFactory(BaseFactory):
    class Meta:
        model = MediaItem

    outlet = factory.Sequence(lambda n: f"Outlet {n}")
    title = factory.Sequence(lambda n: f"Feature {n}")
    summary = "A feature about scalp micropigmentation."
    url = None
    published_on = date(2026, 4, 1)
    is_sample = False
    published = True
