from clinic.manage.routes import bp

__all__ = ["bp"]
